"""One place that builds Redis clients from settings.REDIS_URL (sync and asyncio)."""

from functools import lru_cache

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Short timeouts: a dead Redis must turn into a clear error (1011, 503), never into a hang.
_OPTS = {"socket_connect_timeout": 2, "socket_timeout": 10, "health_check_interval": 30}


@lru_cache(maxsize=4)
def _sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **_OPTS)


def get_redis() -> redis.Redis:
    """Process-wide synchronous client (thread-safe connection pool)."""
    return _sync_client(settings.REDIS_URL)


def new_async_redis() -> aioredis.Redis:
    """A fresh asyncio client; asyncio clients are bound to the event loop that first uses them."""
    return aioredis.Redis.from_url(settings.REDIS_URL, **_OPTS)


def bounded_pool_options() -> dict:
    """SUPPORTREPLAY_REDIS_POOL_SIZE connections at most; a caller waits up to the pool timeout for one,
    then gets a RedisError (the ingest socket answers 1011 and the client retries). Idle connections
    stay in the pool (never more than its size) and are PINGed before reuse after 30 s idle."""
    return {
        "max_connections": settings.SUPPORTREPLAY_REDIS_POOL_SIZE,
        "timeout": settings.SUPPORTREPLAY_REDIS_POOL_TIMEOUT_SECONDS,
    }


def new_bounded_async_redis() -> aioredis.Redis:
    """An asyncio client on a bounded, blocking pool, for sharing between many sockets of one loop.

    An unbounded pool opens one connection per concurrent command: a storm of hellos once filled Redis's
    `maxclients` and every other client (Celery, other daphnes) failed (issue #12, finding 2).
    """
    pool = aioredis.BlockingConnectionPool.from_url(settings.REDIS_URL, **_OPTS, **bounded_pool_options())
    return aioredis.Redis(connection_pool=pool)


@receiver(setting_changed)
def _reset(setting: str, **kwargs) -> None:
    if setting == "REDIS_URL":
        _sync_client.cache_clear()
