"""Per-connection token buckets (bytes/s and frames/s) for the ingest socket, and the per-process
counters that bound what all sockets together may hold (sockets per session, unfinished parts).

Pure and in memory: a limit protects one daphne process from one abusive connection, so it lives with the
connection (or, for the per-process counters, with the process). The clock is passed in, so tests need
no sleeping. The cross-process limits (sockets per session, bytes per session) live in Redis (store.py).
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings

from .parts import PartBudget


@dataclass
class TokenBucket:
    rate: float  # tokens added per second
    burst: float  # bucket size; a new bucket starts full
    tokens: float = field(init=False)
    stamp: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self, amount: float, now: float) -> bool:
        """Take `amount` tokens if the bucket holds them; False means over the limit."""
        if self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if amount > self.tokens:
            return False
        self.tokens -= amount
        return True


@dataclass
class ConnectionLimiter:
    """Both limits of one ingest connection."""

    bytes_bucket: TokenBucket
    frames_bucket: TokenBucket

    @classmethod
    def from_settings(cls) -> ConnectionLimiter:
        s = settings
        return cls(
            TokenBucket(s.SUPPORTREPLAY_RATE_BYTES_PER_SECOND, s.SUPPORTREPLAY_RATE_BURST_BYTES),
            TokenBucket(s.SUPPORTREPLAY_RATE_FRAMES_PER_SECOND, s.SUPPORTREPLAY_RATE_BURST_FRAMES),
        )

    def allow(self, size: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        # Evaluate both, so a refused frame still costs a frame token.
        frames_ok = self.frames_bucket.take(1, now)
        bytes_ok = self.bytes_bucket.take(size, now)
        return frames_ok and bytes_ok


# Sessions remembered as refused for good (ended, or at their stored-bytes quota), per process.
REFUSED_MEMORY = 10_000


@dataclass
class ProcessSockets:
    """Ingest sockets per session in this process, checked at hello before any Redis or database work,
    the session's byte budget shared by those sockets, and the sessions known to refuse every hello.

    The socket cap (SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION) is also enforced across processes by the open
    script in Redis; this copy makes the refusal of a hello storm on one credential O(1). The byte budget
    (SUPPORTREPLAY_SESSION_RATE_BYTES_PER_SECOND, burst SUPPORTREPLAY_SESSION_RATE_BURST_BYTES) is charged
    with every frame's size before it is decoded: ten sockets of one credential get what one socket gets,
    not ten times the per-socket rate. The budget outlives the session's last socket until it has refilled,
    so closing every socket and reconnecting does not buy a fresh burst.

    A session found ended (4410) or at its quota (4420) never accepts a socket again (both are final), so
    a client that keeps reconnecting with its credential is refused from memory, without the database and
    Redis round trips of a hello."""

    counts: Counter = field(default_factory=Counter)
    buckets: dict[UUID, TokenBucket] = field(default_factory=dict)
    refused: OrderedDict = field(default_factory=OrderedDict)
    swept: float = 0.0

    def take(self, session_id: UUID, now: float | None = None) -> bool:
        limit = settings.SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION
        if limit > 0 and self.counts[session_id] >= limit:
            return False
        self.counts[session_id] += 1
        self._sweep(time.monotonic() if now is None else now)
        if session_id not in self.buckets:
            self.buckets[session_id] = TokenBucket(
                settings.SUPPORTREPLAY_SESSION_RATE_BYTES_PER_SECOND,
                settings.SUPPORTREPLAY_SESSION_RATE_BURST_BYTES,
            )
        return True

    def has_budget(self, session_id: UUID, size: int, now: float) -> bool:
        """Could the session send `size` bytes now? (Checked at hello; takes nothing.)"""
        bucket = self.buckets.get(session_id)
        if bucket is None:
            return True
        bucket.take(0, now)  # refills up to now
        return bucket.tokens >= min(size, bucket.burst)

    def allow_bytes(self, session_id: UUID, size: int, now: float) -> bool:
        bucket = self.buckets.get(session_id)
        return bucket is None or bucket.take(size, now)

    def release(self, session_id: UUID) -> None:
        self.counts[session_id] -= 1
        if self.counts[session_id] <= 0:
            del self.counts[session_id]

    def _sweep(self, now: float) -> None:
        """Forget the budgets of sessions without a socket here once they have refilled (once a second:
        memory stays bounded by the sessions that sent within the last burst/rate seconds)."""
        if now - self.swept < 1.0:
            return
        self.swept = now
        for sid in [sid for sid in self.buckets if sid not in self.counts]:
            bucket = self.buckets[sid]
            bucket.take(0, now)
            if bucket.tokens >= bucket.burst:
                del self.buckets[sid]

    def refuse_from_now_on(self, session_id: UUID, code: int) -> None:
        self.refused[session_id] = code
        self.refused.move_to_end(session_id)
        while len(self.refused) > REFUSED_MEMORY:
            self.refused.popitem(last=False)

    def refusal(self, session_id: UUID) -> int | None:
        """The close code every hello of this session gets (ended, over quota), if known here."""
        return self.refused.get(session_id)


@dataclass
class PendingHellos:
    """Sockets per client address that are open but not yet past hello, in this process.

    A handshake storm from one address (no proxy in front, or one it allows) costs a hello check each;
    past SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP at once, a new socket of that address is closed with 4429
    right after accept, before its hello is read. An honest socket is pending for one round trip."""

    counts: Counter = field(default_factory=Counter)

    def take(self, address: str) -> bool:
        limit = settings.SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP
        if limit > 0 and self.counts[address] >= limit:
            return False
        self.counts[address] += 1
        return True

    def release(self, address: str) -> None:
        self.counts[address] -= 1
        if self.counts[address] <= 0:
            del self.counts[address]


_process_sockets = ProcessSockets()
_pending_hellos = PendingHellos()
_part_budget: PartBudget | None = None


def process_sockets() -> ProcessSockets:
    return _process_sockets


def pending_hellos() -> PendingHellos:
    return _pending_hellos


def part_budget() -> PartBudget:
    """The process-wide budget of unfinished parts (SUPPORTREPLAY_PARTS_PROCESS_BYTES)."""
    global _part_budget
    if _part_budget is None:
        _part_budget = PartBudget(settings.SUPPORTREPLAY_PARTS_PROCESS_BYTES)
    return _part_budget
