"""Archive container layout and codec. Pure: bytes in, bytes out.

Layout of one object::

    MAGIC (8 bytes) | chunk 0 | chunk 1 | ... | index | len(index) (4 bytes, big endian) | END (8 bytes)

Each chunk is an independent zstd frame holding the msgpack list of its records ``[tab, seq, ts, events]``,
so a reader (or an HTTP range request against S3) can fetch and decode one chunk without the rest. The
trailing index repeats the manifest the database holds, which keeps an object self-describing if the
database row is ever lost.

Codec chosen by measurement (docs/PERFORMANCE.md): msgpack + zstd level 9 stores a realistic session in
about a third of gzip(JSON) at well under the archive time budget; levels above 12 cost several times the CPU
for a few percent.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import msgpack
import zstandard

MAGIC = b"SRARCHV1"
END = b"SRAEND01"
FORMAT_VERSION = 1
ZSTD_LEVEL = 9
CODEC = f"msgpack+zstd-{ZSTD_LEVEL}"

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChunkEntry:
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})


def pack(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def encode_records(records: Sequence[Record], level: int = ZSTD_LEVEL) -> tuple[bytes, int]:
    """Compress records into one zstd frame; returns (frame, size of the uncompressed msgpack)."""
    raw = pack([list(r) for r in records])
    return zstandard.ZstdCompressor(level=level).compress(raw), len(raw)


def decode_records(frame: bytes, sha256: str | None = None) -> list[Record]:
    if sha256 is not None and hashlib.sha256(frame).hexdigest() != sha256:
        raise ArchiveFormatError("chunk checksum mismatch")
    try:
        raw = zstandard.ZstdDecompressor().decompress(frame)
    except zstandard.ZstdError as exc:
        raise ArchiveFormatError(f"chunk does not decompress: {exc}") from exc
    return [(str(tab), int(seq), int(ts), list(events)) for tab, seq, ts, events in unpack(raw)]


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
    parts = [MAGIC]
    offset = len(MAGIC)
    entries: list[ChunkEntry] = []
    for index, chunk in enumerate(chunks):
        frame, raw_size = encode_records(chunk.records, level)
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


def decode_all(blob: bytes, entries: Sequence[ChunkEntry] | None = None) -> list[list[Record]]:
    """Decode every chunk (checksums checked); the whole-object check used before Redis is cleared."""
    entries = read_index(blob) if entries is None else entries
    return [decode_records(chunk_bytes(blob, e), e.sha256) for e in entries]
