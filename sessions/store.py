"""A live session's events and counters in Redis: the atomic append, connection accounting, reading.

Every write that touches more than one key is one Lua script, so a crash or a lost connection never
leaves a batch half-stored (in the stream but not in `acked`, or counted twice). Keys come from keys.py.

Async functions take a `redis.asyncio` client (the ingest consumer's); `read_events`, `read_meta` and the
`*_sync` functions use the process-wide synchronous client, for Celery tasks, views and tests.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgpack
import redis.asyncio as aioredis
import zstandard
from django.conf import settings

from supportreplay.redis_client import get_redis, new_bounded_async_redis

from . import keys
from .protocol import BatchStats

# KEYS: events, acked, meta. ARGV: tab, seq, ts, ev, full, events, bytes, errors, failed, page_url, viewport,
# quota (max stored bytes of the session, 0 = none). Returns {result, stream id, acked seq}; result is
# ok | gap | dup | ended | quota. The quota is checked before XADD: a refused batch leaves no trace but
# the meta flag `quota_reached`, after which the session stores nothing more (and OPEN refuses sockets).
APPEND_LUA = """
if redis.call('HGET', KEYS[3], 'status') ~= 'live' then
  return {'ended', '', -1}
end
local seq = tonumber(ARGV[2])
local prev = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '-1')
if seq <= prev then
  return {'dup', '', prev}
end
local quota = tonumber(ARGV[12])
if quota > 0 and (redis.call('HGET', KEYS[3], 'quota_reached') == '1' or
    tonumber(redis.call('HGET', KEYS[3], 'bytes') or '0') + tonumber(ARGV[7]) > quota) then
  redis.call('HSET', KEYS[3], 'quota_reached', '1')
  return {'quota', '', prev}
end
local id = redis.call('XADD', KEYS[1], '*', 'tab', ARGV[1], 'seq', ARGV[2], 'ts', ARGV[3],
                      'ev', ARGV[4], 'full', ARGV[5])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], 'last_activity', ARGV[3])
redis.call('HINCRBY', KEYS[3], 'events', ARGV[6])
redis.call('HINCRBY', KEYS[3], 'bytes', ARGV[7])
redis.call('HINCRBY', KEYS[3], 'batches', 1)
if ARGV[8] ~= '0' then redis.call('HINCRBY', KEYS[3], 'errors', ARGV[8]) end
if ARGV[9] ~= '0' then redis.call('HINCRBY', KEYS[3], 'failed_requests', ARGV[9]) end
if ARGV[5] == '1' then redis.call('HSET', KEYS[3], 'snapshot_id', id) end
if ARGV[10] ~= '' then redis.call('HSET', KEYS[3], 'page_url', ARGV[10]) end
if ARGV[11] ~= '' then redis.call('HSET', KEYS[3], 'viewport', ARGV[11]) end
local result = 'ok'
if seq > prev + 1 then
  redis.call('HINCRBY', KEYS[3], 'gaps', 1)
  result = 'gap'
end
return {result, id, seq}
"""

# KEYS: acked, meta, sockets. ARGV: tab, now, socket id, max sockets (0 = none), stale before (ms), quota
# (0 = none). A socket said hello: count it; returns the tab's acked seq, -2 when the session was ended
# (meta status set by end_session), so no new data may come in, -3 when the session has its maximum of
# open sockets, -4 when it has stored its quota. Sockets whose heartbeat is older than `stale before`
# (left by a killed daphne) do not count.
OPEN_LUA = """
local status = redis.call('HGET', KEYS[2], 'status')
if status and status ~= 'live' then return -2 end
local quota = tonumber(ARGV[6] or '0')
if quota > 0 and (redis.call('HGET', KEYS[2], 'quota_reached') == '1' or
    tonumber(redis.call('HGET', KEYS[2], 'bytes') or '0') >= quota) then return -4 end
if ARGV[3] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[5])
  local max = tonumber(ARGV[4])
  if max > 0 and redis.call('ZCARD', KEYS[3]) >= max then return -3 end
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
end
if not status then redis.call('HSET', KEYS[2], 'status', 'live') end
redis.call('HINCRBY', KEYS[2], 'connected', 1)
redis.call('HSET', KEYS[2], 'last_activity', ARGV[2], 'heartbeat', ARGV[2])
return tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
"""

# KEYS: meta, sockets. ARGV: now, socket id. Never recreates the meta of an archived (deleted) session.
CLOSE_LUA = """
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local left = redis.call('HINCRBY', KEYS[1], 'connected', -1)
if left < 0 then redis.call('HSET', KEYS[1], 'connected', 0) end
redis.call('HSET', KEYS[1], 'last_activity', ARGV[1])
return 1
"""

# KEYS: meta, sockets. ARGV: now, socket id.
HEARTBEAT_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'heartbeat', ARGV[1])
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[2], 'XX', ARGV[1], ARGV[2]) end
return 1
"""


def now_ms() -> int:
    return int(time.time() * 1000)


class TooManySockets(Exception):
    """The session has SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION open sockets already (any daphne)."""


class QuotaReached(Exception):
    """The session has stored SUPPORTREPLAY_SESSION_MAX_BYTES: no new socket may send anything."""


@dataclass(frozen=True)
class AppendResult:
    result: str  # ok | gap | dup | ended | quota
    stream_id: str
    acked: int

    @property
    def stored(self) -> bool:
        return self.result in ("ok", "gap")


@dataclass(frozen=True)
class StoredBatch:
    stream_id: str
    tab: str
    seq: int
    ts: int  # server arrival, ms since epoch
    events: list[dict[str, Any]]
    full: bool = False


@dataclass(frozen=True)
class SessionMeta:
    status: str = ""
    last_activity: int = 0
    heartbeat: int = 0
    bytes: int = 0
    events: int = 0
    batches: int = 0
    errors: int = 0
    failed_requests: int = 0
    gaps: int = 0
    connected: int = 0
    snapshot_id: str = ""
    page_url: str = ""
    viewport: str = ""


_INT_FIELDS = {"last_activity", "heartbeat", "bytes", "events", "batches", "errors", "failed_requests"}
_INT_FIELDS |= {"gaps", "connected"}


# --- the stored `ev` field: msgpack, zstd-compressed when that is smaller -----------------------------
# Entries are compressed one by one in Python around the append script, so dedupe, seq/ack and the stream
# ids are untouched; a full snapshot (mostly stylesheet text and DOM) shrinks 5-10x, tiny batches stay raw.
# Every reader goes through `plain_ev` (entries written raw by older code still read: a batch's msgpack
# starts with an array marker, never with zstd's magic).
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
EV_COMPRESS_MIN_BYTES = 512
EV_ZSTD_LEVEL = 3
_codecs = threading.local()


def _codec() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    pair = getattr(_codecs, "pair", None)
    if pair is None:  # zstandard contexts are not thread-safe: one pair per thread
        pair = _codecs.pair = (zstandard.ZstdCompressor(level=EV_ZSTD_LEVEL), zstandard.ZstdDecompressor())
    return pair


def encode_events(events: list[dict[str, Any]]) -> bytes:
    """A batch's events as stored in the stream's `ev` field."""
    raw = msgpack.packb(events, use_bin_type=True)
    if len(raw) < EV_COMPRESS_MIN_BYTES:
        return raw
    packed = _codec()[0].compress(raw)
    return packed if len(packed) < len(raw) else raw


def plain_ev(ev: bytes) -> bytes:
    """The msgpack bytes of a stored `ev` field."""
    return _codec()[1].decompress(ev) if ev[:4] == ZSTD_MAGIC else ev


def decode_events(ev: bytes) -> list[dict[str, Any]]:
    return msgpack.unpackb(plain_ev(ev), raw=False)


def _append_args(tab: str, seq: int, ev: bytes, stats: BatchStats, ts: int, quota: int = 0) -> list[Any]:
    return [
        tab,
        seq,
        ts,
        ev,
        "1" if stats.full else "0",
        stats.events,
        len(ev),
        stats.errors,
        stats.failed_requests,
        stats.page_url,
        stats.viewport,
        quota,
    ]


def _result(raw: list[Any]) -> AppendResult:
    result, stream_id, acked = raw
    return AppendResult(result.decode(), stream_id.decode(), int(acked))


# --- asyncio side (the ingest consumer) --------------------------------------------------------------


@dataclass
class AsyncStore:
    """One asyncio Redis client and its registered scripts, shared by the sockets of one event loop."""

    client: aioredis.Redis

    def __post_init__(self) -> None:
        self._append = self.client.register_script(APPEND_LUA)
        self._open = self.client.register_script(OPEN_LUA)
        self._close = self.client.register_script(CLOSE_LUA)
        self._heartbeat = self.client.register_script(HEARTBEAT_LUA)

    async def append(
        self,
        session_id: UUID | str,
        tab: str,
        seq: int,
        ev: bytes,
        stats: BatchStats,
        ts: int | None = None,
        quota: int = 0,
    ) -> AppendResult:
        sid = session_id
        raw = await self._append(
            keys=[keys.events(sid), keys.acked(sid), keys.meta(sid)],
            args=_append_args(tab, seq, ev, stats, ts or now_ms(), quota),
        )
        return _result(raw)

    async def open_connection(
        self,
        session_id: UUID | str,
        tab: str,
        socket_id: str = "",
        max_sockets: int = 0,
        stale_ms: int = 0,
        quota: int = 0,
    ) -> int | None:
        """Count a new socket; returns the tab's acked seq (-1 if none), None if the session ended.

        With a `socket_id`, the socket is also registered for the per-session cap (raises TooManySockets
        when `max_sockets` live ones are registered; `stale_ms` without a heartbeat makes one dead).
        Raises QuotaReached when the session stored `quota` bytes: a reconnecting client is told at once,
        before it can send anything."""
        now = now_ms()
        sid = session_id
        acked = int(
            await self._open(
                keys=[keys.acked(sid), keys.meta(sid), keys.sockets(sid)],
                args=[tab, now, socket_id, max_sockets, now - stale_ms, quota],
            )
        )
        if acked == -3:
            raise TooManySockets
        if acked == -4:
            raise QuotaReached
        return None if acked == -2 else acked

    async def close_connection(self, session_id: UUID | str, socket_id: str = "") -> None:
        await self._close(keys=[keys.meta(session_id), keys.sockets(session_id)], args=[now_ms(), socket_id])

    async def heartbeat(self, session_id: UUID | str, socket_id: str = "") -> None:
        sid = session_id
        await self._heartbeat(keys=[keys.meta(sid), keys.sockets(sid)], args=[now_ms(), socket_id])


_stores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, AsyncStore]]
_stores = weakref.WeakKeyDictionary()


def async_store() -> AsyncStore:
    """The AsyncStore of the running event loop (asyncio clients are bound to their loop), on a bounded
    pool shared by every ingest socket of the loop (SUPPORTREPLAY_REDIS_POOL_SIZE)."""
    per_loop = _stores.setdefault(asyncio.get_running_loop(), {})
    store = per_loop.get(settings.REDIS_URL)
    if store is None:
        store = per_loop[settings.REDIS_URL] = AsyncStore(new_bounded_async_redis())
    return store


# --- synchronous side (tasks, views, tests, benchmarks) ----------------------------------------------


def append_batch_sync(
    session_id: UUID | str, tab: str, seq: int, events: list[dict[str, Any]], stats: BatchStats
) -> AppendResult:
    """Append an already validated and redacted batch (what the consumer does, without a socket)."""
    client = get_redis()
    script = client.register_script(APPEND_LUA)
    sid = session_id
    raw = script(
        keys=[keys.events(sid), keys.acked(sid), keys.meta(sid)],
        args=_append_args(tab, seq, encode_events(events), stats, now_ms()),
    )
    return _result(raw)


def open_meta_sync(session_id: UUID | str) -> None:
    """Create the meta of a live session if it has none (what the first hello does)."""
    get_redis().hsetnx(keys.meta(session_id), "status", "live")


def mark_ended(session_id: UUID | str) -> None:
    """Tell the append script to refuse new batches: the session ended (see services.end_session).

    Written even when no socket ever connected, so a hello racing with the end cannot open it again.
    """
    get_redis().hset(keys.meta(session_id), "status", "ended")


def decode_entry(stream_id: bytes | str, fields: dict[bytes, bytes]) -> StoredBatch:
    """One stream entry (as XRANGE / XREAD return it) as a StoredBatch."""
    return StoredBatch(
        stream_id=stream_id.decode() if isinstance(stream_id, bytes) else stream_id,
        tab=fields[b"tab"].decode(),
        seq=int(fields[b"seq"]),
        ts=int(fields[b"ts"]),
        events=decode_events(fields[b"ev"]),
        full=fields.get(b"full") == b"1",
    )


def read_events(
    session_id: UUID | str, start: str = "-", end: str = "+", count: int | None = None, page: int = 200
) -> Iterator[StoredBatch]:
    """Yield the stored batches from `start` to `end` (stream ids, inclusive), paging through XRANGE."""
    client = get_redis()
    key = keys.events(session_id)
    left = count
    cursor = start
    while left is None or left > 0:
        size = page if left is None else min(page, left)
        entries = client.xrange(key, min=cursor, max=end, count=size)
        for stream_id, fields in entries:
            yield decode_entry(stream_id, fields)
        if left is not None:
            left -= len(entries)
        if len(entries) < size:
            return
        cursor = "(" + entries[-1][0].decode()


def parse_meta(raw: dict[bytes | str, bytes | str]) -> SessionMeta | None:
    """The one reading of a meta hash (as HGETALL returns it): counters as ints, the rest as text."""
    if not raw:
        return None
    values: dict[str, Any] = {}
    for name, value in raw.items():
        field_name = name.decode() if isinstance(name, bytes) else name
        if field_name in SessionMeta.__dataclass_fields__:
            text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
            if field_name in _INT_FIELDS:
                try:
                    values[field_name] = int(text or 0)
                except ValueError:
                    values[field_name] = 0
            else:
                values[field_name] = text
    return SessionMeta(**values)


def read_meta(session_id: UUID | str) -> SessionMeta | None:
    return parse_meta(get_redis().hgetall(keys.meta(session_id)))


def read_metas(session_ids: list[UUID | str]) -> dict[str, SessionMeta | None]:
    """The meta of many sessions in one pipelined round trip, keyed by str(session id)."""
    if not session_ids:
        return {}
    pipe = get_redis().pipeline(transaction=False)
    for session_id in session_ids:
        pipe.hgetall(keys.meta(session_id))
    return {str(sid): parse_meta(raw) for sid, raw in zip(session_ids, pipe.execute(), strict=True)}


def read_acked(session_id: UUID | str) -> dict[str, int]:
    return {tab.decode(): int(seq) for tab, seq in get_redis().hgetall(keys.acked(session_id)).items()}
