"""What the ingest and watch consumers share."""

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer


class NoDbCleanupWebsocketConsumer(AsyncWebsocketConsumer):
    """An async websocket consumer whose dispatch skips Channels' per-message DB clean-up.

    Channels' dispatch closes stale DB connections in a worker thread before *every* message. Our frames
    never touch the database directly (lookups go through database_sync_to_async, which does that
    clean-up itself), so skip a thread hop per frame: it was the main per-frame cost under load.
    """

    async def dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
