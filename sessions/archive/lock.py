"""A Redis lock with an owner token and an expiry, refreshed while the holder makes progress.

A worker killed mid-archive stops refreshing, so its lock lapses after `ttl` and a retry can proceed;
release and refresh only touch the lock when the token is still ours.
"""

from __future__ import annotations

import secrets

from redis import Redis

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_REFRESH = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
)


class LockLost(RuntimeError):
    """The lock expired and may be someone else's now: stop before touching shared state."""


class RedisLock:
    def __init__(self, client: Redis, key: str, ttl_ms: int) -> None:
        self.client, self.key, self.ttl_ms = client, key, ttl_ms
        self.token = secrets.token_hex(16)

    def acquire(self) -> bool:
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def refresh(self) -> None:
        if not self.client.eval(_REFRESH, 1, self.key, self.token, self.ttl_ms):
            raise LockLost(self.key)

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, self.key, self.token)
