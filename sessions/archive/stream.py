"""Read a session's Redis stream in pages (XRANGE ... COUNT), as chunking.Batch values.

Reads the stream layout of the contract (fields tab, seq, ts, ev = msgpack list of events) with the same
`keys` module every part uses. Pages keep one XRANGE reply small for multi-hour sessions; the optional delay
between pages exists so tests can stop a worker in the middle of an archive (a setting, never used in
production).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from uuid import UUID

from django.conf import settings

from supportreplay.redis_client import get_redis

from .. import keys
from .chunking import Batch
from .format import unpack

PAGE_SIZE = 500


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


def parse_entry(stream_id: bytes | str, fields: dict) -> Batch:
    get = lambda name: fields.get(name.encode(), fields.get(name))  # noqa: E731 - bytes or str keys
    events = unpack(get("ev") or b"\x90")
    return Batch(
        tab=_text(get("tab")),
        seq=int(get("seq") or 0),
        ts=int(float(get("ts") or 0)),
        events=events if isinstance(events, list) else [],
        stream_id=_text(stream_id),
    )


def iter_batches(
    session_id: UUID | str, page_size: int | None = None, on_page: Callable[[], None] | None = None
) -> Iterator[Batch]:
    """Every batch of the session's stream, oldest first, one XRANGE page at a time.

    `on_page` runs after each page (the archive refreshes its lock there).
    """
    client = get_redis()
    key = keys.events(session_id)
    size = page_size or getattr(settings, "SUPPORTREPLAY_ARCHIVE_PAGE_SIZE", PAGE_SIZE)
    delay = getattr(settings, "SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS", 0) / 1000
    start = "-"
    while True:
        page = client.xrange(key, min=start, max="+", count=size)
        for stream_id, fields in page:
            yield parse_entry(stream_id, fields)
        if len(page) < size:
            return
        start = "(" + _text(page[-1][0])
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
