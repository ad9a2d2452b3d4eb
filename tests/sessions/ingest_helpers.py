"""Driving the ingest socket in-process (no daphne): a WebsocketCommunicator speaking msgpack frames.

`IngestSocket` speaks frame by frame, for tests of the server's side of the protocol (bad frames, close
codes); `ingest` sends whole event batches (tests.support.events) through it, with a recorder's window of
unacked batches, and can end with the Stop button's `bye`. The reference recorder client (resends,
backoff, parts) is tests/support/recorder.py, over a real websocket to a real server.
"""

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


class IngestSocket:
    """The real ASGI application's ingest socket, frame by frame: `await IngestSocket.connect()`, then
    `hello`, `send`, `receive`, `closed_with`.

    Every socket made is remembered in `IngestSocket.opened`; `disconnect_all()` (the `recorders` fixture
    calls it) stops their applications, since a consumer left running blocks the event loop's teardown.
    A disconnect within a few milliseconds of the connect can hit a known redis-py race that swallows
    the cancellation of channels-redis's blocking receive (redis/redis-py#2028), so it waits a moment.
    """

    opened: ClassVar[list[IngestSocket]] = []

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.comm = communicator
        self.started = time.monotonic()
        IngestSocket.opened.append(self)

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
    ) -> tuple[IngestSocket, bool, int]:
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
        if self in IngestSocket.opened:
            IngestSocket.opened.remove(self)
        await self.comm.disconnect()


async def _ingest(credential: str, event_batches: list[list[dict]], tab: str, stop: bool) -> None:
    socket, connected, _ = await IngestSocket.connect()
    assert connected
    ready = await socket.hello(credential, tab)
    assert ready["t"] == "ready", ready
    # A window of unacked batches, like the recorder keeps, without waiting for each ack.
    window = 32
    acked = -1
    for seq, events in enumerate(event_batches):
        await socket.send({"t": "events", "seq": seq, "events": events})
        while seq - acked >= window:
            acked = (await socket.receive(timeout=5))["seq"]
    while acked < len(event_batches) - 1:
        acked = (await socket.receive(timeout=5))["seq"]
    if stop:
        await socket.send({"t": "bye", "reason": "stop"})
        await socket.comm.receive_output(timeout=5)  # the close
    await socket.disconnect()


def ingest(credential: str, event_batches: list[list[dict]], tab: str = "tab-a", stop: bool = True) -> None:
    """Send the batches through the real IngestConsumer (Redis stream via its Lua append); `bye stop` ends
    the session like the customer's Stop button (end_session queues the archive task)."""
    from asgiref.sync import async_to_sync
    from django.test import override_settings

    # A recorder batches every few seconds; these tests send minutes of batches at once, so lift the
    # per-socket frame rate limit (configuration, the limiter itself still runs).
    with override_settings(
        SUPPORTREPLAY_RATE_FRAMES_PER_SECOND=100_000, SUPPORTREPLAY_RATE_BURST_FRAMES=100_000
    ):
        async_to_sync(_ingest)(credential, event_batches, tab, stop)
