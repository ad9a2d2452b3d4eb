"""The bytes the replay data API sends for one chunk: JSON, gzipped once, kept in a small per-process LRU.

Serving an archived chunk costs a range read, a zstd + msgpack decode, the JSON encoding and gzip: ~60-80
ms of CPU for a single-page app's chunk (1-1.5 MB of JSON with its stylesheet). An archive never changes,
so the gzipped bytes are built once per process and answered from memory afterwards: a second agent on
the same recording, a page reopened in another browser, or a chunk prefetched by one page and asked for
by the next costs a dictionary lookup. Keyed by the archive's sha256 and the chunk index; bounded by
SERVED_CHUNK_CACHE_BYTES of gzipped bytes (least recently used out first). A session not yet archived
(read from Redis, where the stream may still grow) is built on every request and never cached.

The ETag is the same key, so a browser that kept a chunk revalidates it for free (304).

The manifest of an archived session (its chunk list and summary, both fixed when the archive was
written) is kept the same way, under the same digest: every page opening a recording asks for it first.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .archive import source
from .models import RecordingSession, SessionArchive, SessionState

# 32 MiB of gzipped JSON: ~200 chunks of a single-page app with a large stylesheet, ~1,000 small ones.
SERVED_CHUNK_CACHE_BYTES = 32 * 1024 * 1024
# gzip level 3: ~4x faster than the default 6 on a 1.4 MB chunk, ~20 % more bytes (measured on
# bench/spa_replay.py's recording); the bytes are built once per process, then only sent.
GZIP_LEVEL = 3


@dataclass(frozen=True)
class ServedChunk:
    gzipped: bytes
    etag: str | None  # None: not cacheable (a session still read from Redis)
    immutable: bool


class ByteBoundedLRU:
    """A thread-safe LRU of bytes values whose total length stays within `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[object, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: object, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self._items[key] = value
            self.size += len(value)
            while self.size > self.max_bytes:
                _key, dropped = self._items.popitem(last=False)
                self.size -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


CACHE = ByteBoundedLRU(SERVED_CHUNK_CACHE_BYTES)


def encode(events: Any) -> bytes:
    """The JSON of a chunk (or a manifest), gzipped (mtime 0: the same events always give the same bytes)."""
    body = json.dumps(events, separators=(",", ":"), ensure_ascii=False).encode()
    return gzip.compress(body, GZIP_LEVEL, mtime=0)


def _archive_digest(session: RecordingSession) -> str:
    digest = SessionArchive.objects.filter(session=session).values_list("sha256", flat=True).first()
    if digest is None:
        raise source.RecordingUnavailable(str(session.pk))
    return digest


def served_manifest(session: RecordingSession, build: Callable[[], dict]) -> bytes:
    """The gzipped JSON of `build()`, the manifest of an ended or archived session: kept by archive digest
    once archived, built on every request before (source.RecordingUnavailable)."""
    if session.state != SessionState.ARCHIVED:
        return encode(build())
    key = (_archive_digest(session), "manifest")
    cached = CACHE.get(key)
    if cached is None:
        cached = encode(build())
        CACHE.put(key, cached)
    return cached


def served_chunk(session: RecordingSession, index: int) -> ServedChunk:
    """Chunk `index` of an ended or archived session (IndexError / source.RecordingUnavailable)."""
    if session.state != SessionState.ARCHIVED:
        return ServedChunk(encode(source.chunk_events(session, index)), None, False)
    digest = _archive_digest(session)
    key = (digest, index)
    cached = CACHE.get(key)
    if cached is None:
        cached = encode(source.chunk_events(session, index))
        CACHE.put(key, cached)
    return ServedChunk(cached, f'"{digest[:32]}-{index}"', True)
