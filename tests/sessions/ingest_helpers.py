"""Driving the ingest socket in tests: an in-process WebsocketCommunicator speaking msgpack frames."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import ClassVar

import msgpack
from channels.testing import WebsocketCommunicator

from supportreplay.asgi import application
from tests.support.recorder import pack

ORIGIN = "http://testserver"


class Recorder:
    """A minimal recorder: `await Recorder.connect()`, then `hello`, `send`, `expect`.

    Every recorder made is remembered in `Recorder.opened`; `disconnect_all()` (the `recorders` fixture
    calls it) stops their applications, since a consumer left running blocks the event loop's teardown.
    A disconnect within a few milliseconds of the connect can hit a known redis-py race that swallows
    the cancellation of channels-redis's blocking receive (redis/redis-py#2028), so it waits a moment.
    """

    opened: ClassVar[list[Recorder]] = []

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.comm = communicator
        self.started = time.monotonic()
        Recorder.opened.append(self)

    @classmethod
    async def disconnect_all(cls) -> None:
        while cls.opened:
            recorder = cls.opened.pop()
            await asyncio.sleep(max(0.0, recorder.started + 0.3 - time.monotonic()))
            with contextlib.suppress(Exception):
                await recorder.comm.disconnect(timeout=3)

    @classmethod
    async def connect(
        cls, origin: str | None = ORIGIN, host: str = "testserver"
    ) -> tuple[Recorder, bool, int]:
        headers = [(b"host", host.encode())]
        if origin is not None:
            headers.append((b"origin", origin.encode()))
        comm = WebsocketCommunicator(application, "/ws/ingest/", headers=headers)
        connected, code = await comm.connect(timeout=5)
        return cls(comm), connected, code

    async def send(self, frame: dict | bytes) -> None:
        await self.comm.send_to(bytes_data=frame if isinstance(frame, bytes) else pack(frame))

    async def receive(self, timeout: float = 3) -> dict:
        data = await self.comm.receive_from(timeout=timeout)
        return msgpack.unpackb(data, raw=False)

    async def hello(self, credential: str, tab: str = "tab-1", page: int = 0) -> dict:
        await self.send({"t": "hello", "cred": credential, "tab": tab, "page": page})
        return await self.receive()

    async def events(self, seq: int, events: list) -> dict:
        await self.send({"t": "events", "seq": seq, "events": events})
        return await self.receive()

    async def closed_with(self, timeout: float = 3) -> int:
        """Wait for the server's close (skipping frames sent before it); returns the close code."""
        while True:
            output = await self.comm.receive_output(timeout=timeout)
            if output["type"] == "websocket.close":
                return output.get("code", 1000)

    async def disconnect(self) -> None:
        await self.comm.disconnect()
