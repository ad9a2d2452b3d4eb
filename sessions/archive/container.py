"""Write and read the archive object (layout in format.py). Pure apart from the file object it is given.

`ObjectWriter` writes an object in one pass, chunk by chunk, holding one chunk plus the session's snapshot
dictionary and assets (both capped): what lets the archive task run in bounded memory whatever the
session's length. The dictionary and the assets frames go after the chunks, since they are only complete
at the end; each chunk records the dictionary prefix it was compressed with, and asset references are byte
ranges into an append-only blob, so what an early chunk refers to never moves.
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
from .assets import ASSET_MAX_BYTES, AssetTable
from .format import (
    DICT_MAX_BYTES,
    END,
    ENDS,
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
    records_digest,
    unpack,
)

TRAILER = 12  # len(index) (4) + END (8)


class ObjectWriter:
    """One archive object, written chunk by chunk to `out` (any writable binary file)."""

    def __init__(
        self,
        out: BinaryIO,
        level: int = ZSTD_LEVEL,
        dict_limit: int = DICT_MAX_BYTES,
        asset_limit: int = ASSET_MAX_BYTES,
    ) -> None:
        self.out, self.level, self.dict_limit = out, level, dict_limit
        self.assets = AssetTable(asset_limit)
        self.dictionary = bytearray()
        self._pages: set[str] = set()
        self._compressor: zstandard.ZstdCompressor | None = None
        self._compressor_size = -1
        self.entries: list[ChunkEntry] = []
        self.size = 0
        self._write(MAGIC)

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.size += len(data)

    def add(self, chunk: ChunkInput) -> tuple[ChunkEntry, tuple[str, int]]:
        """Encode and write one chunk; returns its manifest entry (without the head ranges, known at
        `close`) and the digest its records must decode back to."""
        self._grow_dictionary(chunk)
        if len(self.dictionary) != self._compressor_size:
            self._compressor = make_compressor(self.level, bytes(self.dictionary))
            self._compressor_size = len(self.dictionary)
        frame, _ = encode_records(chunk.records, compressor=self._compressor, assets=self.assets)
        digest, raw_size = records_digest(chunk.records)
        entry = ChunkEntry(
            index=len(self.entries),
            start_ts=chunk.start_ts,
            end_ts=chunk.end_ts,
            offset=self.size,
            length=len(frame),
            events=chunk.events,
            raw_bytes=raw_size,
            sha256=_sha256(frame),
            tab=chunk.tab,
            lead_meta=chunk.lead_meta,
            dict_size=self._compressor_size,
        )
        self._write(frame)
        self.entries.append(entry)
        return entry, (digest, raw_size)

    def _grow_dictionary(self, chunk: ChunkInput) -> None:
        """Add the chunk's first full snapshot when its page (URL) has none in the dictionary yet."""
        href = _page((chunk.lead_meta or {}).get("data", {}).get("href"))
        for _tab, _seq, _ts, events in chunk.records:
            for event in events:
                if not isinstance(event, dict):
                    continue
                if event.get("type") == 4:
                    href = _page((event.get("data") or {}).get("href"))
                elif event.get("type") == 2:
                    key = href or str(len(self._pages))
                    if key not in self._pages:
                        blob = pack(self.assets.take(event))
                        if len(self.dictionary) + len(blob) <= self.dict_limit:
                            self._pages.add(key)
                            self.dictionary += blob
                    return

    def close(self) -> list[ChunkEntry]:
        """Write the dictionary, assets and index; returns the complete manifest entries."""
        compress = zstandard.ZstdCompressor(level=self.level).compress
        dict_frame = compress(bytes(self.dictionary)) if self.dictionary else b""
        assets_frame = compress(bytes(self.assets.blob)) if self.assets.blob else b""
        dict_offset = self.size if dict_frame else 0
        self._write(dict_frame)
        assets_offset = self.size if assets_frame else 0
        self._write(assets_frame)
        self.entries = [
            replace(
                e,
                dict_offset=dict_offset,
                dict_length=len(dict_frame),
                assets_offset=assets_offset,
                assets_length=len(assets_frame),
            )
            for e in self.entries
        ]
        index_blob = zstandard.ZstdCompressor(level=3).compress(pack([e.as_dict() for e in self.entries]))
        self._write(index_blob)
        self._write(struct.pack(">I", len(index_blob)))
        self._write(END)
        return self.entries


def _page(href) -> str | None:
    """A page's identity for the dictionary: its URL, fragment included. Without the fragment the recorded
    SPA kept one snapshot in the dictionary instead of one per route: 0.37x gzip instead of 0.28x."""
    return str(href) if href else None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ChunkDecoder:
    """Decodes chunks of one object given its head (the dictionary and assets frames, `head_range`)."""

    def __init__(self, head: bytes, entry: ChunkEntry) -> None:
        self.dictionary = decode_dictionary(head[: entry.dict_length])
        frame = head[entry.dict_length : entry.dict_length + entry.assets_length]
        self.assets = decode_dictionary(frame)
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}
        self._lock = threading.Lock()  # a decompressor is not thread-safe; a decoder may be shared

    def decode(self, frame: bytes, entry: ChunkEntry) -> list[Record]:
        size = len(self.dictionary) if entry.dict_size < 0 else entry.dict_size
        if size > len(self.dictionary):
            raise ArchiveFormatError("chunk needs more dictionary than the object holds")
        with self._lock:
            decompressor = self._decompressors.get(size)
            if decompressor is None:
                # Chunks are mostly read in order and prefixes only grow: keep the newest two (each holds a
                # copy of up to 2 MiB of dictionary).
                while len(self._decompressors) >= 2:
                    self._decompressors.pop(next(iter(self._decompressors)))
                decompressor = self._decompressors[size] = make_decompressor(self.dictionary[:size])
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
