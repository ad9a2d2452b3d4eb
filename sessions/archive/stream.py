"""Read a session's Redis stream in pages bounded by bytes, as Batch values.

A page is at most `SUPPORTREPLAY_ARCHIVE_PAGE_BYTES` of entries (and `SUPPORTREPLAY_ARCHIVE_PAGE_SIZE`
entries), whatever their sizes: an XRANGE ... COUNT of large entries would make Redis buffer hundreds of
megabytes for one reply (issue 12: 500 entries of a 407 MiB session pushed Redis past `maxmemory`). The
page is cut inside Redis by a small read-only script that walks the stream one entry at a time, so the
reply never holds more than the budget plus one entry. The optional delay between pages exists so tests
can stop a worker in the middle of an archive (a setting, never used in production).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from uuid import UUID

from django.conf import settings

from supportreplay.redis_client import get_redis

from .. import keys, store
from .chunking import Batch

# KEYS: stream. ARGV: start (inclusive id, "-" or "(id"), max entries, max bytes. Entries after start
# until either bound is reached; the first entry is always returned, however large.
PAGE_LUA = """
local cursor = ARGV[1]
local limit = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local out = {}
local used = 0
while #out < limit do
  local found = redis.call('XRANGE', KEYS[1], cursor, '+', 'COUNT', 1)
  local entry = found[1]
  if not entry then break end
  local size = 0
  for i = 2, #entry[2], 2 do size = size + #entry[2][i] end
  if #out > 0 and used + size > budget then break end
  out[#out + 1] = entry
  used = used + size
  cursor = '(' .. entry[1]
end
return out
"""


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


def pages(
    session_id: UUID | str, max_entries: int | None = None, max_bytes: int | None = None
) -> Iterator[list[Batch]]:
    """The stream, oldest first, one byte-bounded page at a time."""
    client = get_redis()
    script = client.register_script(PAGE_LUA)
    count = max_entries or settings.SUPPORTREPLAY_ARCHIVE_PAGE_SIZE
    budget = max_bytes or settings.SUPPORTREPLAY_ARCHIVE_PAGE_BYTES
    cursor = "-"
    while True:
        entries = script(keys=[keys.events(session_id)], args=[cursor, count, budget])
        if not entries:
            return
        page = []
        for stream_id, flat in entries:
            stored = store.decode_entry(stream_id, dict(zip(flat[::2], flat[1::2], strict=True)))
            page.append(Batch(stored.tab, stored.seq, stored.ts, stored.events, stored.stream_id))
        yield page
        cursor = "(" + _text(entries[-1][0])


def iter_batches(
    session_id: UUID | str,
    page_size: int | None = None,
    on_page: Callable[[], None] | None = None,
    page_bytes: int | None = None,
) -> Iterator[Batch]:
    """Every batch of the session's stream, oldest first, read in byte-bounded pages.

    `on_page` runs after each page (the archive refreshes its lock there).
    """
    delay = settings.SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS / 1000
    for page in pages(session_id, page_size, page_bytes):
        yield from page
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
