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


@receiver(setting_changed)
def _reset(setting: str, **kwargs) -> None:
    if setting == "REDIS_URL":
        _sync_client.cache_clear()
