"""Fault tools for the resilience tests: a TCP proxy that cuts connections, a private Redis that can be
restarted on its own data directory, a scripted session, and a streaming loop for the simulated recorder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from scripts.localredis import answers, free_port, redis_server_binary
from tests.support.events import console_event, full_snapshot_event, meta_event, mouse_move_event
from tests.support.recorder import SimRecorder

T0 = 1_763_800_000_000


def scripted_batch(seq: int, big_every: int = 50, huge_every: int = 0) -> list[dict]:
    """The events of batch `seq`, deterministic, so the archive can be compared with what was sent.

    Every `big_every`-th batch is a page load (meta + a ~300 KB full snapshot: a cut lands mid-frame);
    every `huge_every`-th one is over 1 MiB, so it travels as parts.
    """
    ts = T0 + seq * 25
    if seq % big_every == 0:
        size = 1_300_000 if huge_every and seq and seq % huge_every == 0 else 300_000
        filler = f"page {seq} " + "lorem ipsum dolor " * (size // 18)
        return [meta_event(ts, href=f"https://shop.example/p/{seq}"), full_snapshot_event(ts, text=filler)]
    return [
        mouse_move_event(ts, x=seq % 1000, y=(seq * 7) % 800),
        console_event(f"batch {seq}", ts=ts + 1),
    ]


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target port; `cut()` drops every open connection at once."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.cuts = 0  # cuts that dropped at least one live connection
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> TcpProxy:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self.pairs.add(pair)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self.pairs.discard(pair)

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
            writer.close()
        except (ConnectionError, OSError):
            writer.transport.abort()

    @property
    def open_connections(self) -> int:
        return len(self.pairs)

    def cut(self) -> bool:
        """Abort both sides of every connection (no close frame, buffered bytes lost)."""
        pairs = list(self.pairs)
        for client, upstream in pairs:
            client.transport.abort()
            upstream.transport.abort()
        self.pairs.clear()
        self.cuts += bool(pairs)
        return bool(pairs)

    async def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 2)


@dataclass
class PrivateRedis:
    """A redis-server with AOF (everysec) that keeps its port and data directory across restarts."""

    port: int = field(default_factory=free_port)
    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="sr-resilience-redis-"))
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--dir", self.workdir, "--appendonly", "yes", "--appendfsync", "everysec"]
        args += ["--maxmemory-policy", "noeviction"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not answers(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("private redis-server did not start")
            time.sleep(0.02)

    def remove(self) -> None:
        """Kill the server and delete its data directory."""
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM: Redis fsyncs the AOF and exits. SIGKILL: a crash, the last second may be lost."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            self.proc.wait(15)


async def wait_until(
    check: Callable[[], bool | Awaitable[bool]], timeout: float, every: float = 0.02
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {check}")
        await asyncio.sleep(every)


class Stream:
    """Pushes a scripted batch every `interval` seconds until stopped: a customer using the page."""

    def __init__(self, recorder: SimRecorder, interval: float = 0.025, **batch_options: int) -> None:
        self.recorder, self.interval, self.options = recorder, interval, batch_options
        self.task: asyncio.Task | None = None
        self.sent: dict[int, list[dict]] = {}

    async def _loop(self) -> None:
        while True:
            seq = self.recorder.next_seq
            events = scripted_batch(seq, **self.options)
            assert self.recorder.push(events) == seq
            self.sent[seq] = events
            await asyncio.sleep(self.interval)

    def start(self) -> Stream:
        self.task = asyncio.create_task(self._loop())
        return self

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
