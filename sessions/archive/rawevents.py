"""A stored batch's events for the archive, DOM events kept as their msgpack bytes. Pure.

Full snapshots and DOM mutations are nearly all of a session's bytes (the recorded SPA: 56 % and 42 %;
its snapshots are ~400 KB each, a checkout every minute), and the archive never needs their content as
Python objects: the summary and the chunking read only their type, timestamp and mutation source, and the
chunk writer copies their bytes as they are (`format.encode_records`). So a batch holding one is split with
msgpack's Unpacker: every other event is decoded as usual, a full snapshot or a mutation becomes a
`RawEvent` holding its exact bytes from the stream and its keys other than `data`. Decoding and encoding
them again was most of the archive's time (docs/PERFORMANCE.md, issue 14).

`RawEvent` is a read-only Mapping, not a dict: msgpack refuses to pack it, so one can never be written
without its `data` by mistake; `format.encode_records` is the one place that writes its bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import msgpack

# A full snapshot as rrweb sends it and msgpack packs it: a small map whose first key is "type" = 2; a
# mutation: "type" = 3 first, then "data", a small map whose first key is "source" = 0. Any other layout
# is decoded like every other event (correct either way, only slower).
_SNAPSHOT_HEAD = b"\xa4type\x02"
_INCREMENTAL_HEAD = b"\xa4type\x03\xa4data"
_MUTATION_SOURCE = b"\xa6source\x00"
_FIXMAPS = range(0x81, 0x90)
_AFTER_DATA = 1 + len(_INCREMENTAL_HEAD)


class RawEvent(Mapping):
    """A full snapshot or mutation as its msgpack bytes (`raw`), with its keys other than `data` readable;
    a mutation's `data` reads as ``{"source": 0}`` only."""

    __slots__ = ("head", "raw")

    def __init__(self, head: dict[str, Any], raw: bytes) -> None:
        self.head, self.raw = head, raw

    def __getitem__(self, key: str) -> Any:
        return self.head[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.head)

    def __len__(self) -> int:
        return len(self.head)

    def decode(self) -> dict[str, Any]:
        """The event as a dict (tests, tools; the archive never needs it)."""
        return msgpack.unpackb(self.raw, raw=False)


def _kind(plain: bytes, start: int) -> int:
    """2 (full snapshot) or 3 (mutation) when the event at `start` is one in rrweb's layout, else 0."""
    if plain[start] not in _FIXMAPS:
        return 0
    if plain.startswith(_SNAPSHOT_HEAD, start + 1):
        return 2
    at = start + _AFTER_DATA
    if (
        plain.startswith(_INCREMENTAL_HEAD, start + 1)
        and len(plain) > at
        and plain[at] in _FIXMAPS
        and plain.startswith(_MUTATION_SOURCE, at + 1)
    ):
        return 3
    return 0


def split_events(plain: bytes) -> list[Any]:
    """The events of one batch (the msgpack of a list), full snapshots and mutations as RawEvent."""
    if _SNAPSHOT_HEAD not in plain and _MUTATION_SOURCE not in plain:
        return msgpack.unpackb(plain, raw=False)
    unpacker = msgpack.Unpacker(raw=False, max_buffer_size=max(len(plain), 1024))
    unpacker.feed(plain)
    events: list[Any] = []
    for _ in range(unpacker.read_array_header()):
        start = unpacker.tell()
        kind = _kind(plain, start)
        if not kind:
            events.append(unpacker.unpack())
            continue
        head: dict[str, Any] = {}
        for _key in range(unpacker.read_map_header()):
            key = unpacker.unpack()
            if key == "data":
                unpacker.skip()
                if kind == 3:
                    head[key] = {"source": 0}
            else:
                head[key] = unpacker.unpack()
        events.append(RawEvent(head, plain[start : unpacker.tell()]))
    if unpacker.tell() != len(plain):
        raise ValueError("trailing bytes after a batch's events")
    return events
