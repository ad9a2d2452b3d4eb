"""A websocket consumer that reads frames as they arrive and handles them one at a time, in order.

Channels' dispatch loop awaits each message's handler before reading the next message, so while a frame's
work is awaited (validation, the Redis append) the frames behind it wait in daphne's unbounded queue. Here
dispatch only charges a frame (`admit_frame`, cheap: its length) and puts it in the socket's bounded
Backlog (sessions/backlog.py); one worker task per socket hands the frames to `handle_frame` in arrival
order. Over a limit or the backlog bound the socket is closed at once and its backlog dropped.

Lifecycle: frames received before a disconnect are still handled (a `bye stop` right behind a batch ends
the session), then `disconnect` runs; the worker is cancelled whenever the consumer exits otherwise (daphne
cancels an application that outlives its socket by 10 s). An exception escaping `handle_frame` is raised
out of the application (daphne closes the socket with 1011), never lost in the worker task. Control
messages from the channel layer still run between frames when they take `self.turn`.
"""

from __future__ import annotations

import asyncio
import contextlib

from ..backlog import Backlog
from .base import NoDbCleanupWebsocketConsumer


class OrderedFramesConsumer(NoDbCleanupWebsocketConsumer):
    backlog: Backlog | None = None
    worker: asyncio.Task | None = None
    closing = False

    # --- to implement -------------------------------------------------------------------------------

    def admit_frame(self, message: dict, size: int) -> int | None:
        """Charge an arriving frame to the limits; a close code refuses it (and closes the socket)."""
        return None

    async def handle_frame(self, message: dict) -> None:
        raise NotImplementedError

    async def refuse(self, code: int) -> None:
        """Close the socket with `code` (sets `closing`)."""
        raise NotImplementedError

    # --- machinery ----------------------------------------------------------------------------------

    async def __call__(self, scope, receive, send):
        self.failure = asyncio.get_running_loop().create_future()

        async def receive_or_fail() -> dict:
            # The next message from daphne, or the worker's exception raised in the application's task.
            incoming = asyncio.ensure_future(receive())
            await asyncio.wait({incoming, self.failure}, return_when=asyncio.FIRST_COMPLETED)
            if incoming.done():
                return incoming.result()
            incoming.cancel()
            raise self.failure.exception()

        try:
            await super().__call__(scope, receive_or_fail, send)
        finally:
            if self.worker is not None and not self.worker.done():
                self.worker.cancel()
                with contextlib.suppress(BaseException):
                    await self.worker
            if self.failure.done():
                self.failure.exception()  # retrieved: raised above, or the socket had gone already

    def start_frames(self, backlog: Backlog) -> None:
        self.turn = asyncio.Lock()
        self.backlog = backlog
        self.worker = asyncio.create_task(self._work())

    async def dispatch(self, message: dict) -> None:
        if message["type"] == "websocket.receive" and self.backlog is not None:
            await self._arrive(message)
        else:
            await super().dispatch(message)

    async def _arrive(self, message: dict) -> None:
        if self.closing:
            return  # a closing socket's frames are dropped unread
        data = message.get("bytes")
        size = len(data) if data is not None else len(message.get("text") or "")
        code = self.admit_frame(message, size)
        if code is None and not self.backlog.put(message, size):
            code = self.backlog_full_code
        if code is not None:
            self.closing = True
            self.backlog.drop()
            await self.refuse(code)

    backlog_full_code = 4429

    async def _work(self) -> None:
        while (taken := await self.backlog.take()) is not None:
            message, size = taken
            try:
                async with self.turn:
                    await self.handle_frame(message)
            except Exception as exc:
                if not self.failure.done():
                    self.failure.set_exception(exc)
                self.backlog.drop()
                return
            finally:
                self.backlog.done(size)

    async def websocket_disconnect(self, message: dict) -> None:
        # Frames received before the disconnect are handled first (bounded by the backlog).
        if self.worker is not None:
            self.backlog.end()
            with contextlib.suppress(Exception):
                await self.worker
        await super().websocket_disconnect(message)
