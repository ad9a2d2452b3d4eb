"""Reading a live session's stream for watchers: catch-up from the newest full snapshot, then the tail.

Events come from the Redis stream (the source of truth), never through the channel layer, so a watcher
that is slow or reconnects can always re-read what it needs. The stored `ev` bytes (msgpack of the
redacted events, zstd-compressed when large: `store.plain_ev` undoes that) are passed to the browser as
msgpack: the server never decodes events here, which keeps a watcher cheap (see bench/live_latency.py).

Backpressure lives in `Pending`: the browser acknowledges the batches it has applied; a watcher whose
unacknowledged backlog grows past a bound stops receiving the tail and, once it has drained, is
resynchronised from the newest full snapshot instead of being sent everything in between.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from uuid import UUID

from redis.asyncio import Redis

from . import keys
from .store import parse_meta as parse_session_meta
from .store import plain_ev

CATCHUP_PAGE = 200
TAIL_COUNT = 200
META_FIELDS = ("status", "page_url", "viewport", "connected", "errors", "failed_requests")


@dataclass(frozen=True)
class Entry:
    """One stream entry as stored by ingest; `ev` stays msgpack bytes."""

    stream_id: str
    tab: str
    seq: int
    ts: int
    full: bool
    ev: bytes

    @property
    def size(self) -> int:
        return len(self.ev)


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


def _int(value: bytes | str | None, default: int = 0) -> int:
    try:
        return int(_text(value))
    except ValueError:
        return default


def parse_entry(stream_id: bytes | str, fields: Mapping[bytes | str, bytes]) -> Entry:
    """Stream entry (raw redis-py reply) -> Entry. Pure; missing fields get neutral values."""
    get = {_text(k): v for k, v in fields.items()}.get
    ev = get("ev") or b""
    ev = ev if isinstance(ev, bytes) else str(ev).encode()
    return Entry(
        stream_id=_text(stream_id),
        tab=_text(get("tab")),
        seq=_int(get("seq"), -1),
        ts=_int(get("ts")),
        full=_text(get("full")) == "1",
        ev=plain_ev(ev),
    )


def parse_meta(raw: Mapping[bytes | str, bytes | str]) -> dict[str, str | int]:
    """The part of the meta hash the page needs, as read by store.parse_meta (the one reading of it):
    counters as ints, the rest as text; fields the hash does not hold are left out."""
    meta = parse_session_meta(dict(raw))
    if meta is None:
        return {}
    present = {_text(key) for key in raw}
    return {name: getattr(meta, name) for name in META_FIELDS if name in present}


async def read_meta(redis: Redis, session_id: UUID | str) -> dict[str, str | int]:
    return parse_meta(await redis.hgetall(keys.meta(session_id)))


async def newest_snapshot_id(redis: Redis, session_id: UUID | str) -> str:
    """Stream id of the newest full snapshot ('' when there is none yet)."""
    return _text(await redis.hget(keys.meta(session_id), "snapshot_id"))


async def catch_up(redis: Redis, session_id: UUID | str) -> AsyncIterator[Entry]:
    """Every entry from the newest full snapshot on (the whole stream when there is none yet)."""
    start = await newest_snapshot_id(redis, session_id) or "-"
    stream = keys.events(session_id)
    while True:
        page = await redis.xrange(stream, min=start, max="+", count=CATCHUP_PAGE)
        for stream_id, fields in page:
            yield parse_entry(stream_id, fields)
        if len(page) < CATCHUP_PAGE:
            return
        start = "(" + _text(page[-1][0])


async def tail(redis: Redis, session_id: UUID | str, after: str, block_ms: int | None) -> list[Entry]:
    """Entries after `after`, waiting up to block_ms for the first one (XREAD BLOCK; None: no wait)."""
    reply = await redis.xread({keys.events(session_id): after}, count=TAIL_COUNT, block=block_ms)
    if not reply:
        return []
    _stream, entries = reply[0]
    return [parse_entry(stream_id, fields) for stream_id, fields in entries]


class Pending:
    """Batches sent to one watcher and not yet acknowledged by its page.

    Acks carry the stream id of the newest applied batch; ids rise, so everything up to it is done.
    """

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._sent: deque[tuple[tuple[int, int], int]] = deque()
        self.bytes = 0

    @staticmethod
    def _order(stream_id: str) -> tuple[int, int]:
        ms, _, seq = stream_id.partition("-")
        return int(ms), int(seq or 0)

    def sent(self, entry: Entry) -> None:
        self._sent.append((self._order(entry.stream_id), entry.size))
        self.bytes += entry.size

    def ack(self, stream_id: str) -> None:
        try:
            upto = self._order(stream_id)
        except ValueError:
            return
        while self._sent and self._sent[0][0] <= upto:
            _, size = self._sent.popleft()
            self.bytes -= size

    def clear(self) -> None:
        self._sent.clear()
        self.bytes = 0

    @property
    def count(self) -> int:
        return len(self._sent)

    @property
    def overloaded(self) -> bool:
        return self.count > self.max_entries or self.bytes > self.max_bytes
