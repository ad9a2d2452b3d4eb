"""Read a session's Redis stream in pages (XRANGE ... COUNT, through `store.read_events`) as Batch values.

Pages keep one XRANGE reply small for multi-hour sessions; the optional delay
between pages exists so tests can stop a worker in the middle of an archive (a setting, never used in
production).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from uuid import UUID

from django.conf import settings

from supportreplay.redis_client import get_redis

from .. import keys, store
from .chunking import Batch

PAGE_SIZE = 500


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


def iter_batches(
    session_id: UUID | str, page_size: int | None = None, on_page: Callable[[], None] | None = None
) -> Iterator[Batch]:
    """Every batch of the session's stream, oldest first, read in XRANGE pages by `store.read_events`.

    `on_page` runs after each page (the archive refreshes its lock there).
    """
    size = page_size or getattr(settings, "SUPPORTREPLAY_ARCHIVE_PAGE_SIZE", PAGE_SIZE)
    delay = getattr(settings, "SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS", 0) / 1000
    for n, stored in enumerate(store.read_events(session_id, page=size), 1):
        yield Batch(stored.tab, stored.seq, stored.ts, stored.events, stored.stream_id)
        if n % size == 0:
            if on_page:
                on_page()
            if delay:
                time.sleep(delay)


def last_id(session_id: UUID | str) -> str:
    """Id of the newest entry ("" when the stream is empty or gone)."""
    newest = get_redis().xrevrange(keys.events(session_id), count=1)
    return _text(newest[0][0]) if newest else ""


def exists(session_id: UUID | str) -> bool:
    return bool(get_redis().exists(keys.events(session_id)))


def delete_keys(session_id: UUID | str) -> int:
    return get_redis().delete(*keys.all_keys(session_id))
