"""Write and read the archive object (layout in format.py). Pure apart from the file object it is given.

`ObjectWriter` writes an object in one pass, chunk by chunk, holding one chunk plus the session's snapshot
dictionary (capped): what lets the archive task run in bounded memory whatever the session's length. The
dictionary frame goes after the chunks, since it is only complete at the end; it only grows, and each
chunk records the prefix it was compressed with, so what an early chunk was compressed against never
moves. Readers still decode the assets frame of objects written before (format.py).
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import BinaryIO

import zstandard

from . import gcpause
from .dictionary import SnapshotDictionary
from .format import (
    DICT_MAX_BYTES,
    END,
    ENDS,
    HEAD_ZSTD_LEVEL,
    MAGIC,
    MAGICS,
    ZSTD_LEVEL,
    ArchiveFormatError,
    ChunkEntry,
    ChunkInput,
    Record,
    decode_dictionary,
    decode_records,
    encode_records,
    make_compressor,
    make_decompressor,
    pack,
    unpack,
)
from .verify import ChunkCheck, chunk_check

TRAILER = 12  # len(index) (4) + END (8)


class ObjectWriter:
    """One archive object, written chunk by chunk to `out` (any writable binary file)."""

    def __init__(self, out: BinaryIO, level: int = ZSTD_LEVEL, dict_limit: int = DICT_MAX_BYTES) -> None:
        self.out, self.level = out, level
        self.dictionary = SnapshotDictionary(dict_limit)
        self._compressor: zstandard.ZstdCompressor | None = None
        self._compressor_size = -1
        self.entries: list[ChunkEntry] = []
        self.size = 0
        self._write(MAGIC)

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.size += len(data)

    def add(self, chunk: ChunkInput) -> tuple[ChunkEntry, ChunkCheck]:
        """Encode and write one chunk; returns its manifest entry (without the head ranges, known at
        `close`) and what it must read back as."""
        self.dictionary.grow(chunk)
        if len(self.dictionary) != self._compressor_size:
            self._compressor = make_compressor(self.level, bytes(self.dictionary.data))
            self._compressor_size = len(self.dictionary)
        frame, raw = encode_records(chunk.records, compressor=self._compressor)
        entry = ChunkEntry(
            index=len(self.entries),
            start_ts=chunk.start_ts,
            end_ts=chunk.end_ts,
            offset=self.size,
            length=len(frame),
            events=chunk.events,
            raw_bytes=len(raw),
            sha256=_sha256(frame),
            tab=chunk.tab,
            lead_meta=chunk.lead_meta,
            dict_size=self._compressor_size,
        )
        self._write(frame)
        self.entries.append(entry)
        return entry, chunk_check(chunk.records, raw)

    def close(self) -> list[ChunkEntry]:
        """Write the dictionary and the index; returns the complete manifest entries. The assets frame
        of format 3 stays empty: large strings are in the dictionary (`dictionary.py`)."""
        data = bytes(self.dictionary.data)
        dict_frame = zstandard.ZstdCompressor(level=HEAD_ZSTD_LEVEL).compress(data) if data else b""
        self.dictionary_sha256 = _sha256(data)
        dict_offset = self.size if dict_frame else 0
        self._write(dict_frame)
        self.entries = [
            replace(e, dict_offset=dict_offset, dict_length=len(dict_frame)) for e in self.entries
        ]
        index_blob = zstandard.ZstdCompressor(level=3).compress(pack([e.as_dict() for e in self.entries]))
        self._write(index_blob)
        self._write(struct.pack(">I", len(index_blob)))
        self._write(END)
        return self.entries


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_dictionary(head: bytes, entry: ChunkEntry) -> bytes:
    """The raw dictionary from an object's head (the dictionary and assets frames, `head_range`)."""
    return decode_dictionary(head[: entry.dict_length])


class PrefixDecompressors:
    """Decompresses chunks of one object, each against the dictionary prefix it was written with."""

    def __init__(self, dictionary: bytes) -> None:
        self.dictionary = dictionary
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}

    def get(self, entry: ChunkEntry) -> zstandard.ZstdDecompressor:
        size = len(self.dictionary) if entry.dict_size < 0 else entry.dict_size
        if size > len(self.dictionary):
            raise ArchiveFormatError("chunk needs more dictionary than the object holds")
        decompressor = self._decompressors.get(size)
        if decompressor is None:
            # Chunks are mostly read in order and prefixes only grow: keep the newest two (each holds a
            # copy of the dictionary prefix).
            while len(self._decompressors) >= 2:
                self._decompressors.pop(next(iter(self._decompressors)))
            decompressor = self._decompressors[size] = make_decompressor(self.dictionary[:size])
        return decompressor

    def decompress(self, frame: bytes, entry: ChunkEntry) -> bytes:
        try:
            return self.get(entry).decompress(frame)
        except zstandard.ZstdError as exc:
            raise ArchiveFormatError(f"chunk does not decompress: {exc}") from exc


class ChunkDecoder:
    """Decodes chunks of one object given its head (the dictionary and assets frames, `head_range`)."""

    def __init__(self, head: bytes, entry: ChunkEntry) -> None:
        self.dictionary = read_dictionary(head, entry)
        frame = head[entry.dict_length : entry.dict_length + entry.assets_length]
        self.assets = decode_dictionary(frame)  # format 3 objects written before the dictionary held them
        self._prefixes = PrefixDecompressors(self.dictionary)
        self._lock = threading.Lock()  # a decompressor is not thread-safe; a decoder may be shared

    def decode(self, frame: bytes, entry: ChunkEntry) -> list[Record]:
        with self._lock:
            decompressor = self._prefixes.get(entry)
            with gcpause.paused():
                return decode_records(frame, entry.sha256, decompressor=decompressor, asset_blob=self.assets)


def index_size(trailer: bytes) -> int:
    """Size of the index from the object's last TRAILER bytes."""
    if len(trailer) != TRAILER or trailer[4:] not in ENDS:
        raise ArchiveFormatError("not a SupportReplay archive")
    return struct.unpack(">I", trailer[:4])[0]


def parse_index(index_blob: bytes) -> list[ChunkEntry]:
    try:
        entries = unpack(zstandard.ZstdDecompressor().decompress(index_blob))
    except zstandard.ZstdError as exc:
        raise ArchiveFormatError(f"archive index does not decompress: {exc}") from exc
    return [ChunkEntry.from_dict(e) for e in entries]


# --- whole objects in memory (tests, benchmarks, small tools) -------------------------------------------


def build(chunks: Iterable[ChunkInput], level: int = ZSTD_LEVEL) -> tuple[bytes, list[ChunkEntry]]:
    """Encode chunks into one object in memory; returns the bytes and the manifest entries."""
    out = io.BytesIO()
    writer = ObjectWriter(out, level)
    for chunk in chunks:
        writer.add(chunk)
    entries = writer.close()
    return out.getvalue(), entries


def read_index(blob: bytes) -> list[ChunkEntry]:
    """The manifest stored inside the object itself."""
    if blob[:8] not in MAGICS or len(blob) < len(MAGIC) + TRAILER:
        raise ArchiveFormatError("not a SupportReplay archive")
    size = index_size(blob[-TRAILER:])
    start = len(blob) - TRAILER - size
    if start < len(MAGIC):
        raise ArchiveFormatError("archive index out of range")
    return parse_index(blob[start : len(blob) - TRAILER])


def chunk_bytes(blob: bytes, entry: ChunkEntry) -> bytes:
    return blob[entry.offset : entry.offset + entry.length]


def head_bytes(blob: bytes, entry: ChunkEntry) -> bytes:
    offset, length = entry.head_range
    return blob[offset : offset + length]


def decode_all(blob: bytes, entries: Sequence[ChunkEntry] | None = None) -> list[list[Record]]:
    """Decode every chunk (checksums checked)."""
    entries = read_index(blob) if entries is None else entries
    if not entries:
        return []
    decoder = ChunkDecoder(head_bytes(blob, entries[0]), entries[0])
    return [decoder.decode(chunk_bytes(blob, e), e) for e in entries]
