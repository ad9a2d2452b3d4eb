"""The channel layer: channels-redis with a bounded, blocking connection pool per process.

channels-redis builds an unbounded `ConnectionPool` per host and event loop; every concurrent group_add
(one per hello) opened another Redis connection. This layer uses the same bounded pool settings as the
ingest store (SUPPORTREPLAY_REDIS_POOL_SIZE, SUPPORTREPLAY_REDIS_POOL_TIMEOUT_SECONDS).
"""

import redis.asyncio as aioredis
from channels_redis.core import RedisChannelLayer

from .redis_client import bounded_pool_options


class BoundedRedisChannelLayer(RedisChannelLayer):
    def create_pool(self, index: int):
        host = dict(self.hosts[index])
        address = host.pop("address", None)
        if address is None:  # sentinel or keyword hosts: channels-redis's own pool
            return super().create_pool(index)
        return aioredis.BlockingConnectionPool.from_url(address, **host, **bounded_pool_options())
