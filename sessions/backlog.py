"""The frames one socket has sent that its consumer has not handled yet, bounded in bytes and frames.

Channels hands every websocket frame to the consumer through daphne's unbounded per-socket queue, and a
consumer that awaits each frame's work before reading the next leaves the rest piling up there: a client
sending faster than its frames are handled makes daphne hold an unbounded backlog, and a rate limit
charged when a frame is handled fires only once the backlog reaches the handler. So the ingest consumer
reads every frame off daphne's queue as it arrives (sessions/consumers/ordered.py), charges the rate
limits then, and holds it here until its one worker handles it, in order. Pure and in memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass
class Backlog:
    """Received, not yet handled: the queued frames and the one being handled, `frames` and `bytes`."""

    max_bytes: int
    max_frames: int
    queue: deque = field(default_factory=deque)
    bytes: int = 0
    frames: int = 0
    ended: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def from_settings(cls) -> Backlog:
        return cls(settings.SUPPORTREPLAY_SOCKET_BACKLOG_BYTES, settings.SUPPORTREPLAY_SOCKET_BACKLOG_FRAMES)

    def put(self, item: Any, size: int) -> bool:
        """Hold `item` (of `size` bytes) for the worker; False (nothing held) if that would cross a bound."""
        if self.ended or self.frames + 1 > self.max_frames or self.bytes + size > self.max_bytes:
            return False
        self.queue.append((item, size))
        self.bytes += size
        self.frames += 1
        self.wake.set()
        return True

    async def take(self) -> tuple[Any, int] | None:
        """The oldest frame and its size (still counted until `done`), or None once input ended and
        everything before the end was taken."""
        while not self.queue:
            if self.ended:
                return None
            self.wake.clear()
            await self.wake.wait()
        return self.queue.popleft()

    def done(self, size: int) -> None:
        self.bytes -= size
        self.frames -= 1

    def end(self) -> None:
        """No more input (the socket disconnected): the worker handles what is queued, then stops."""
        self.ended = True
        self.wake.set()

    def drop(self) -> None:
        """Forget every queued frame (the socket is being closed): their memory is free now."""
        while self.queue:
            _, size = self.queue.popleft()
            self.done(size)
