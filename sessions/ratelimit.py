"""Per-connection token buckets (bytes/s and frames/s) for the ingest socket.

Pure and in memory: a limit protects one daphne process from one abusive connection, so it lives with the
connection. The clock is passed in, so tests need no sleeping.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings


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
