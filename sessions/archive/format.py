"""Archive codec: how one chunk's records become one zstd frame and back. Pure: bytes in, bytes out.

Layout of one object (format 3, written by `container.ObjectWriter` in one pass)::

    MAGIC (8) | chunk 0 | chunk 1 | ... | dictionary frame | assets frame | index | len(index) (4) | END (8)

Each chunk is an independent zstd frame (with zstd's content checksum) holding the msgpack of
``[mouse-move columns, [[tab, seq, ts, events], ...]]``, so a reader fetches one chunk plus the dictionary
and assets frames (one contiguous byte range) and never the rest. The trailing index repeats the manifest
the database holds, which keeps an object self-describing. Format 2 objects (dictionary frame first, no
assets) are still read, and so are format 3 objects with an assets frame (`assets.py`): objects written
now have none (the same layout with an empty assets range, so every format 3 reader reads them).

Lossless tricks, chosen by measurement (docs/PERFORMANCE.md):
- the dictionary frame holds every distinct large string of the session once (stylesheet text, inlined
  images) and the first full snapshot of every page without them (`dictionary.py`), used as a zstd
  raw-content dictionary: periodic checkouts of a page repeat its stylesheet and mostly its DOM. It grows
  while the session is written, so each chunk records the size of the prefix it was compressed with
  (`dict_size`). Chunks keep every DOM event as the stream's own msgpack bytes (`rawevents.py`);
- mouse-move events are moved into delta-coded integer columns per chunk, leaving a msgpack extension
  placeholder in place; only events of exactly rrweb's shape with integer fields are moved, and they come
  back as equal dicts with the same key order. Anything else is stored as it came.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import msgpack
import zstandard

from . import assets as assets_mod
from .rawevents import RawEvent

MAGIC = b"SRARCHV3"
END = b"SRAEND03"
MAGICS = (b"SRARCHV2", MAGIC)
ENDS = (b"SRAEND02", END)
FORMAT_VERSION = 3
ZSTD_LEVEL = 4
CODEC = f"msgpack+mm-delta+zstd-{ZSTD_LEVEL}+snapshot-and-strings-dict"
HEAD_ZSTD_LEVEL = 9  # the dictionary frame, compressed once per object
# Pages and large strings together; the reader of one chunk fetches and decompresses all of it.
DICT_MAX_BYTES = 2 * 1024 * 1024
WINDOW_LOG = 23  # 8 MiB: the whole dictionary and a chunk
EXT_MOUSE_MOVE = 1

# One stored record: (tab, seq, server ts ms, events). A batch cut by a chunk boundary becomes two records
# with the same (tab, seq); readers merge them back.
Record = tuple[str, int, int, list]


@dataclass(frozen=True)
class ChunkInput:
    """What the container needs from a chunk: its records and the facts the manifest repeats."""

    records: Sequence[Record]
    start_ts: int
    end_ts: int
    events: int
    tab: str
    lead_meta: dict | None = None


class ArchiveFormatError(ValueError):
    """The bytes are not an archive of this format, or a chunk does not match its checksum."""


@dataclass(frozen=True)
class ChunkEntry:
    index: int
    start_ts: int
    end_ts: int
    offset: int
    length: int
    events: int
    raw_bytes: int
    sha256: str
    tab: str
    lead_meta: dict | None = None
    # Byte range of the shared dictionary frame (0, 0 when the object has none).
    dict_offset: int = 0
    dict_length: int = 0
    # Raw dictionary prefix this chunk was compressed with (-1: all of it, format 2).
    dict_size: int = -1
    # Byte range of the assets frame; it directly follows the dictionary frame (format 3).
    assets_offset: int = 0
    assets_length: int = 0

    @property
    def head_range(self) -> tuple[int, int]:
        """(offset, length) of the dictionary and assets frames, read together."""
        if not self.dict_length and not self.assets_length:
            return 0, 0
        start = self.dict_offset if self.dict_length else self.assets_offset
        if self.assets_length:
            return start, self.assets_offset + self.assets_length - start
        return start, self.dict_offset + self.dict_length - start

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChunkEntry:
        fields = cls.__dataclass_fields__
        return cls(**{name: data[name] for name in fields if name in data})


# --- mouse-move packing --------------------------------------------------------------------------------

_EVENT_KEYS = ("type", "data", "timestamp")
_DATA_KEYS = ("source", "positions")
_POS_KEYS = ("x", "y", "id", "timeOffset")


def _is_int(value: Any) -> bool:
    return type(value) is int and -(2**62) < value < 2**62


def _packable(event: Any) -> bool:
    if not isinstance(event, dict) or tuple(event) != _EVENT_KEYS:
        return False
    data = event["data"]
    if event["type"] != 3 or not isinstance(data, dict) or tuple(data) != _DATA_KEYS or data["source"] != 1:
        return False
    positions = data["positions"]
    return (
        isinstance(positions, list)
        and bool(positions)
        and _is_int(event["timestamp"])
        and all(
            isinstance(p, dict) and tuple(p) == _POS_KEYS and all(_is_int(p[k]) for k in _POS_KEYS)
            for p in positions
        )
    )


class _MouseColumns:
    """The packable mouse-move events of one chunk as delta-coded columns, shared across events (a pointer
    path continues from one event to the next, so the deltas stay small)."""

    def __init__(self) -> None:
        self.counts: list[int] = []
        self.stamps: list[int] = []
        self.columns: list[list[int]] = [[] for _ in _POS_KEYS]

    def take(self, event: Any) -> Any:
        if not _packable(event):
            return event
        positions = event["data"]["positions"]
        self.counts.append(len(positions))
        self.stamps.append(event["timestamp"])
        for column, key in zip(self.columns, _POS_KEYS, strict=True):
            column.extend(p[key] for p in positions)
        return msgpack.ExtType(EXT_MOUSE_MOVE, b"")

    def encode(self) -> list:
        return [self.counts, _deltas(self.stamps), *(_deltas(c) for c in self.columns)] if self.counts else []


def _mouse_events(table: list) -> list[dict]:
    if not table:
        return []
    counts, stamps, *columns = table
    values = [_undeltas(c) for c in columns]
    rows = list(zip(*values, strict=True))
    events, at = [], 0
    for count, stamp in zip(counts, _undeltas(stamps), strict=True):
        positions = [dict(zip(_POS_KEYS, row, strict=True)) for row in rows[at : at + count]]
        at += count
        events.append({"type": 3, "data": {"source": 1, "positions": positions}, "timestamp": stamp})
    return events


_PLACEHOLDER = object()


def _ext_hook(asset_blob: bytes):
    def hook(code: int, data: bytes) -> object:
        if code == EXT_MOUSE_MOVE:
            return _PLACEHOLDER
        if code == assets_mod.EXT_ASSET:
            try:
                return assets_mod.resolve(asset_blob, data)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ArchiveFormatError(f"bad asset reference: {exc}") from None
        raise ArchiveFormatError(f"unknown extension {code}")

    return hook


def _deltas(values: list[int]) -> list[int]:
    return values[:1] + [b - a for a, b in itertools.pairwise(values)]


def _undeltas(values: list[int]) -> list[int]:
    return list(itertools.accumulate(values))


# --- codec ---------------------------------------------------------------------------------------------


def pack(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def unpack(data: bytes, ext_hook: Any = None) -> Any:
    if ext_hook is None:
        return msgpack.unpackb(data, raw=False, strict_map_key=False)
    return msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=ext_hook)


def encode_records(
    records: Sequence[Record],
    level: int = ZSTD_LEVEL,
    dictionary: bytes = b"",
    compressor: zstandard.ZstdCompressor | None = None,
) -> tuple[bytes, bytes]:
    """Compress records into one zstd frame; returns (frame, the uncompressed msgpack it holds).

    Pass one `compressor` per dictionary for all chunks of an object: it digests the dictionary once.
    The msgpack is assembled piece by piece so that full snapshots kept as bytes (`RawEvent`) are copied
    as they came from the stream, never decoded and packed again; it is byte for byte what packing
    ``[mouse-move columns, records]`` with the snapshots decoded would give.
    """
    mouse = _MouseColumns()
    take = mouse.take
    packer = msgpack.Packer(use_bin_type=True)
    pack_one, header = packer.pack, packer.pack_array_header
    parts = [header(len(records))]
    for tab, seq, ts, events in records:
        parts += (header(4), pack_one(tab), pack_one(seq), pack_one(ts))
        if not any(type(e) is RawEvent for e in events):
            parts.append(pack_one([take(e) for e in events]))
            continue
        parts.append(header(len(events)))
        parts += (e.raw if type(e) is RawEvent else pack_one(take(e)) for e in events)
    raw = b"".join((header(2), pack_one(mouse.encode()), *parts))
    return (compressor or make_compressor(level, dictionary)).compress(raw), raw


def decode_records(
    frame: bytes,
    sha256: str | None = None,
    dictionary: bytes = b"",
    decompressor: zstandard.ZstdDecompressor | None = None,
    asset_blob: bytes = b"",
) -> list[Record]:
    if sha256 is not None and hashlib.sha256(frame).hexdigest() != sha256:
        raise ArchiveFormatError("chunk checksum mismatch")
    try:
        raw = (decompressor or make_decompressor(dictionary)).decompress(frame)
    except zstandard.ZstdError as exc:
        raise ArchiveFormatError(f"chunk does not decompress: {exc}") from exc
    mouse_table, body = unpack(raw, ext_hook=_ext_hook(asset_blob))
    mouse = iter(_mouse_events(mouse_table))
    try:
        return [
            (str(tab), int(seq), int(ts), [next(mouse) if e is _PLACEHOLDER else e for e in events])
            for tab, seq, ts, events in body
        ]
    except StopIteration:
        raise ArchiveFormatError("mouse-move table shorter than its placeholders") from None


def _zdict(dictionary: bytes) -> zstandard.ZstdCompressionDict | None:
    if not dictionary:
        return None
    return zstandard.ZstdCompressionDict(dictionary, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def make_compressor(level: int, dictionary: bytes) -> zstandard.ZstdCompressor:
    # The window spans the whole dictionary and a chunk, so any part of the dictionary can be matched.
    # Frames carry zstd's content checksum (XXH64 of the msgpack), checked by every decompression.
    params = zstandard.ZstdCompressionParameters.from_level(level, window_log=WINDOW_LOG, write_checksum=1)
    return zstandard.ZstdCompressor(compression_params=params, dict_data=_zdict(dictionary))


def make_decompressor(dictionary: bytes) -> zstandard.ZstdDecompressor:
    return zstandard.ZstdDecompressor(dict_data=_zdict(dictionary))


def decode_dictionary(frame: bytes) -> bytes:
    return zstandard.ZstdDecompressor().decompress(frame) if frame else b""
