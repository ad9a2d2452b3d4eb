"""A websocket health probe: proves daphne, Channels and Redis answer together."""

import secrets

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .redis_client import new_async_redis


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """Echoes each message after a round trip through Redis (SET then GET of a short-lived key)."""

    async def connect(self) -> None:
        self.redis = new_async_redis()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.redis.aclose()

    async def receive_json(self, content, **kwargs) -> None:
        key = f"sr:health:{secrets.token_hex(8)}"
        try:
            await self.redis.set(key, str(content.get("echo", ""))[:200], ex=10)
            echoed = (await self.redis.getdel(key) or b"").decode()
        except Exception:
            await self.close(code=1011)
            return
        await self.send_json({"echo": echoed, "redis": "ok"})
