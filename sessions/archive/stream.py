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

import msgpack
from django.conf import settings

from supportreplay.redis_client import get_redis

from .. import keys, store
from .chunking import Batch
from .rawevents import split_events

# KEYS: stream. ARGV: start (inclusive id, "-" or "(id"), max entries, max bytes. Entries after start
# until either bound is reached; the first entry is always returned, however large. The reply is flat,
# five values per entry (id, tab, seq, ts, ev): a third of the values a nested XRANGE reply has, which is
# what the client's reply parser spends its time on (~40 % of reading a 3-hour session).
PAGE_LUA = """
local cursor = ARGV[1]
local limit = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local out = {}
local count = 0
local used = 0
while count < limit do
  local found = redis.call('XRANGE', KEYS[1], cursor, '+', 'COUNT', 1)
  local entry = found[1]
  if not entry then break end
  local size = 0
  local fields = {}
  for i = 1, #entry[2], 2 do
    fields[entry[2][i]] = entry[2][i + 1]
    size = size + #entry[2][i + 1]
  end
  if count > 0 and used + size > budget then break end
  out[#out + 1] = entry[1]
  out[#out + 1] = fields['tab'] or ''
  out[#out + 1] = fields['seq'] or '0'
  out[#out + 1] = fields['ts'] or '0'
  out[#out + 1] = fields['ev'] or ''
  count = count + 1
  used = used + size
  cursor = '(' .. entry[1]
end
return out
"""


def _events(plain: bytes) -> list:
    return msgpack.unpackb(plain, raw=False)


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


def pages(
    session_id: UUID | str,
    max_entries: int | None = None,
    max_bytes: int | None = None,
    raw_snapshots: bool = False,
) -> Iterator[list[Batch]]:
    """The stream, oldest first, one byte-bounded page at a time.

    With `raw_snapshots`, full snapshots stay msgpack bytes (`rawevents.RawEvent`): only for the archive
    writer, which copies them as they are.
    """
    client = get_redis()
    script = client.register_script(PAGE_LUA)
    count = max_entries or settings.SUPPORTREPLAY_ARCHIVE_PAGE_SIZE
    budget = max_bytes or settings.SUPPORTREPLAY_ARCHIVE_PAGE_BYTES
    cursor = "-"
    while True:
        flat = script(keys=[keys.events(session_id)], args=[cursor, count, budget])
        if not flat:
            return
        decode = split_events if raw_snapshots else _events
        page = [
            Batch(tab.decode(), int(seq), int(ts), decode(store.plain_ev(ev)), _text(stream_id))
            for stream_id, tab, seq, ts, ev in zip(*[iter(flat)] * 5, strict=True)
        ]
        yield page
        cursor = "(" + page[-1].stream_id


def iter_batches(
    session_id: UUID | str,
    page_size: int | None = None,
    on_page: Callable[[], None] | None = None,
    page_bytes: int | None = None,
    raw_snapshots: bool = False,
) -> Iterator[Batch]:
    """Every batch of the session's stream, oldest first, read in byte-bounded pages.

    `on_page` runs after each page (the archive refreshes its lock there).
    """
    delay = settings.SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS / 1000
    for page in pages(session_id, page_size, page_bytes, raw_snapshots):
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
