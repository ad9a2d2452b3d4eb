"""Archive container layout and codec. Pure: bytes in, bytes out.

Layout of one object::

    MAGIC (8) | dictionary frame | chunk 0 | chunk 1 | ... | index | len(index) (4, big endian) | END (8)

Each chunk is an independent zstd frame holding the msgpack list of its records ``[tab, seq, ts, events]``,
so a reader fetches the dictionary and one chunk (two byte ranges) and never the rest. The trailing index
repeats the manifest the database holds, which keeps an object self-describing.

Two lossless tricks, chosen by measurement (docs/PERFORMANCE.md), take the archive to under half of
gzip(JSON):
- the dictionary frame holds the first full snapshot of every page (msgpack), used as a zstd raw-content
  dictionary by every chunk: periodic checkouts of a page mostly repeat its DOM, and each chunk starts with
  one, so a checkout costs bytes only for what changed;
- mouse-move events (half of a session's compressed bytes as JSON) are moved into delta-coded integer
  columns per chunk, leaving a msgpack extension placeholder in place; only events of exactly rrweb's shape
  with integer fields are moved, and they come back as equal dicts with the same key order. Anything else is
  stored as it came.
"""

from __future__ import annotations

import hashlib
import itertools
import struct
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import msgpack
import zstandard

MAGIC = b"SRARCHV2"
END = b"SRAEND02"
FORMAT_VERSION = 2
ZSTD_LEVEL = 9
CODEC = f"msgpack+mm-delta+zstd-{ZSTD_LEVEL}+snapshot-dict"
DICT_MAX_BYTES = 2 * 1024 * 1024
EXT_MOUSE_MOVE = 1

# One stored record: (tab, seq, server ts ms, events). A batch cut by a chunk boundary becomes two records
# with the same (tab, seq); readers merge them back.
Record = tuple[str, int, int, list]


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


def _placeholder(code: int, _data: bytes) -> object:
    if code != EXT_MOUSE_MOVE:
        raise ArchiveFormatError(f"unknown extension {code}")
    return _PLACEHOLDER


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
) -> tuple[bytes, int]:
    """Compress records into one zstd frame; returns (frame, size of the uncompressed msgpack).

    Pass one `compressor` for all chunks of an object: it digests the dictionary once, not per chunk.
    """
    mouse = _MouseColumns()
    body = [[tab, seq, ts, [mouse.take(e) for e in events]] for tab, seq, ts, events in records]
    raw = pack([mouse.encode(), body])
    return (compressor or _compressor(level, dictionary)).compress(raw), len(raw)


def decode_records(
    frame: bytes,
    sha256: str | None = None,
    dictionary: bytes = b"",
    decompressor: zstandard.ZstdDecompressor | None = None,
) -> list[Record]:
    if sha256 is not None and hashlib.sha256(frame).hexdigest() != sha256:
        raise ArchiveFormatError("chunk checksum mismatch")
    try:
        raw = (decompressor or _decompressor(dictionary)).decompress(frame)
    except zstandard.ZstdError as exc:
        raise ArchiveFormatError(f"chunk does not decompress: {exc}") from exc
    mouse_table, body = unpack(raw, ext_hook=_placeholder)
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


def _compressor(level: int, dictionary: bytes) -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(level=level, dict_data=_zdict(dictionary))


def _decompressor(dictionary: bytes) -> zstandard.ZstdDecompressor:
    return zstandard.ZstdDecompressor(dict_data=_zdict(dictionary))


def snapshot_dictionary(chunks: Sequence[ChunkInput], limit: int = DICT_MAX_BYTES) -> bytes:
    """msgpack of the first full snapshot of each page (by URL), in order, up to `limit` bytes."""
    seen: set[str] = set()
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        href = None
        for _tab, _seq, _ts, events in chunk.records:
            for event in events:
                if not isinstance(event, dict):
                    continue
                if event.get("type") == 4:
                    href = str((event.get("data") or {}).get("href"))
                elif event.get("type") == 2:
                    key = href or str(len(seen))
                    if key not in seen:
                        blob = pack(event)
                        if size + len(blob) > limit:
                            return b"".join(parts)
                        seen.add(key)
                        parts.append(blob)
                        size += len(blob)
                    break
            else:
                continue
            break
    return b"".join(parts)


def decode_dictionary(frame: bytes) -> bytes:
    return zstandard.ZstdDecompressor().decompress(frame) if frame else b""


# --- container -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkInput:
    """What the container needs from a chunk: its records and the facts the manifest repeats."""

    records: Sequence[Record]
    start_ts: int
    end_ts: int
    events: int
    tab: str
    lead_meta: dict | None = None


def build(chunks: Sequence[ChunkInput], level: int = ZSTD_LEVEL) -> tuple[bytes, list[ChunkEntry]]:
    """Encode chunks into one object; returns the bytes and the manifest entries (byte ranges included)."""
    dictionary = snapshot_dictionary(chunks)
    dict_frame = zstandard.ZstdCompressor(level=level).compress(dictionary) if dictionary else b""
    parts = [MAGIC, dict_frame]
    offset = len(MAGIC) + len(dict_frame)
    entries: list[ChunkEntry] = []
    compressor = _compressor(level, dictionary)
    for index, chunk in enumerate(chunks):
        frame, raw_size = encode_records(chunk.records, compressor=compressor)
        entries.append(
            ChunkEntry(
                index=index,
                start_ts=chunk.start_ts,
                end_ts=chunk.end_ts,
                offset=offset,
                length=len(frame),
                events=chunk.events,
                raw_bytes=raw_size,
                sha256=hashlib.sha256(frame).hexdigest(),
                tab=chunk.tab,
                lead_meta=chunk.lead_meta,
                dict_offset=len(MAGIC) if dict_frame else 0,
                dict_length=len(dict_frame),
            )
        )
        parts.append(frame)
        offset += len(frame)
    index_blob = zstandard.ZstdCompressor(level=3).compress(pack([e.as_dict() for e in entries]))
    parts += [index_blob, struct.pack(">I", len(index_blob)), END]
    return b"".join(parts), entries


def read_index(blob: bytes) -> list[ChunkEntry]:
    """The manifest stored inside the object itself."""
    if not blob.startswith(MAGIC) or not blob.endswith(END) or len(blob) < len(MAGIC) + 12:
        raise ArchiveFormatError("not a SupportReplay archive")
    (size,) = struct.unpack(">I", blob[-12:-8])
    start = len(blob) - 12 - size
    if start < len(MAGIC):
        raise ArchiveFormatError("archive index out of range")
    try:
        entries = unpack(zstandard.ZstdDecompressor().decompress(blob[start : len(blob) - 12]))
    except zstandard.ZstdError as exc:
        raise ArchiveFormatError(f"archive index does not decompress: {exc}") from exc
    return [ChunkEntry.from_dict(e) for e in entries]


def chunk_bytes(blob: bytes, entry: ChunkEntry) -> bytes:
    return blob[entry.offset : entry.offset + entry.length]


def dictionary_of(blob: bytes, entry: ChunkEntry) -> bytes:
    return decode_dictionary(blob[entry.dict_offset : entry.dict_offset + entry.dict_length])


def decode_all(blob: bytes, entries: Sequence[ChunkEntry] | None = None) -> list[list[Record]]:
    """Decode every chunk (checksums checked); the whole-object check used before Redis is cleared."""
    entries = read_index(blob) if entries is None else entries
    if not entries:
        return []
    decompressor = _decompressor(dictionary_of(blob, entries[0]))
    return [decode_records(chunk_bytes(blob, e), e.sha256, decompressor=decompressor) for e in entries]
