"""The reference recorder client: the ingest protocol (docs/PROTOCOL.md) as static/recorder/src/transport.js
speaks it, over a real websocket.

Used by the resilience tests (tests/resilience/) and every benchmark that records (bench/load.py,
bench/ingest.py through bench/_clients.py, bench/live_latency.py):
- an outbox of unacked batches in seq order; every (re)connect starts with hello, and after `ready` the
  batches with seq <= `ready.acked` are dropped and the rest are sent again, in order;
- batches are pipelined (no window), acks may arrive in any number;
- close codes map to retry (1006, 1011, 4429, anything unknown) or stop (4401, 4403, 4410), with
  exponential backoff and jitter between tries;
- a batch larger than `ready.options.max_frame` goes out as 512 KiB parts.

The frame is built by concatenating msgpack pieces around the batch's pre-encoded events, so a resend
costs no re-encoding (the real recorder keeps encoded batches too).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

PART_BYTES = 512 * 1024
STOP_CODES = {4401: "bad credential", 4403: "origin refused", 4410: "session ended"}
_T_EVENTS = msgpack.packb("t") + msgpack.packb("events")
_SEQ = msgpack.packb("seq")
_EVENTS = msgpack.packb("events")


def pack(obj: Any) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


def events_frame(seq: int, events_bytes: bytes) -> bytes:
    """`{"t": "events", "seq": seq, "events": <already encoded list>}` without decoding the list."""
    return b"\x83" + _T_EVENTS + _SEQ + msgpack.packb(seq) + _EVENTS + events_bytes


def batch_frames(seq: int, events_bytes: bytes, max_frame: int) -> list[bytes]:
    frame = events_frame(seq, events_bytes)
    if len(frame) <= max_frame:
        return [frame]
    parts = [events_bytes[i : i + PART_BYTES] for i in range(0, len(events_bytes), PART_BYTES)]
    return [pack({"t": "part", "seq": seq, "i": i, "n": len(parts), "data": p}) for i, p in enumerate(parts)]


@dataclass
class Stats:
    connects: int = 0
    readies: int = 0
    resent: int = 0  # batches sent again after a reconnect
    closes: dict[int, int] = field(default_factory=dict)
    ack_latency: list[float] = field(default_factory=list)  # seconds from the last send to the ack
    ack_at: list[float] = field(default_factory=list)  # time.monotonic() of each ack above


class SimRecorder:
    """One tab of one customer: `start()`, `push(events)`, `drain(timeout)`, `stop()`."""

    def __init__(
        self,
        url: str,
        credential: str,
        *,
        origin: str,
        tab: str = "tab-1",
        backoff: tuple[float, float] = (0.05, 2.0),
        open_timeout: float = 10.0,
        rng: random.Random | None = None,
        keep_latencies: bool = True,
        connect_options: dict[str, Any] | None = None,
    ) -> None:
        self.url, self.credential, self.origin, self.tab = url, credential, origin, tab
        # Passed to websockets' connect (e.g. `local_addr`, `ssl`, `host`/`port` to reach a proxy).
        self.connect_options = connect_options or {}
        self.backoff, self.open_timeout = backoff, open_timeout
        self.rng = rng or random.Random()
        self.keep_latencies = keep_latencies
        self.outbox: dict[int, bytes] = {}  # seq -> encoded events, insertion (= seq) order
        self.next_seq = 0
        self.acked: set[int] = set()  # every seq the server acked at least once
        self.ack_time: dict[int, float] = {}  # seq -> monotonic time of its first ack
        self.sent_at: dict[int, float] = {}
        self.max_frame = 1024 * 1024
        self.stats = Stats()
        self.ended: str | None = None  # why the server stopped us (4401/4403/4410), None while running
        self.ws: ClientConnection | None = None
        self.ready = asyncio.Event()
        self.drained = asyncio.Event()
        self.drained.set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._closing = False
        self.sent_through = -1  # highest seq sent on the current socket

    # --- public ----------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def push(self, events: list[dict] | bytes) -> int:
        """Queue a batch (a list of events, or its msgpack encoding); returns its seq."""
        seq = self.next_seq
        self.next_seq += 1
        self.outbox[seq] = events if isinstance(events, bytes) else pack(events)
        self.drained.clear()
        self._wake.set()
        return seq

    async def drain(self, timeout: float) -> None:
        """Wait until every pushed batch is acked."""
        await asyncio.wait_for(self.drained.wait(), timeout)

    async def stop(self, reason: str = "stop", timeout: float = 10.0) -> None:
        """Drain, say bye, close for good."""
        with contextlib.suppress(TimeoutError):
            await self.drain(timeout)
        self._closing = True
        ws = self.ws
        if ws is not None and self.ready.is_set():
            with contextlib.suppress(ConnectionClosed):
                await ws.send(pack({"t": "bye", "reason": reason}))
                await asyncio.wait_for(ws.wait_closed(), 5)
        await self.close()

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (what a network cut looks like)."""
        if self.ws is not None and self.ws.transport is not None:
            self.ws.transport.abort()

    @property
    def pending(self) -> list[int]:
        return list(self.outbox)

    # --- connection loop -------------------------------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while not self._closing and self.ended is None:
            code = await self._one_connection()
            if self._closing or self.ended is not None:
                return
            if code in STOP_CODES:
                self.ended = STOP_CODES[code]
                return
            if self.stats.readies:
                attempt = 0 if code != 4429 else attempt
            base, cap = self.backoff
            ceiling = min(cap, base * 2 ** min(attempt, 16))
            attempt += 1
            await asyncio.sleep(ceiling / 2 + self.rng.random() * ceiling / 2)

    async def _one_connection(self) -> int:
        self.stats.connects += 1
        self.ready.clear()
        try:
            ws = await connect(
                self.url,
                origin=self.origin,
                open_timeout=self.open_timeout,
                max_size=None,
                ping_interval=None,
                compression=None,
                **self.connect_options,
            )
        except InvalidStatus as refused:
            return 4403 if refused.response.status_code == 403 else 1006
        except (OSError, InvalidHandshake, TimeoutError, EOFError):
            return 1006
        self.ws = ws
        writer = asyncio.create_task(self._writer(ws))
        try:
            await ws.send(pack({"t": "hello", "cred": self.credential, "tab": self.tab, "page": 0}))
            async for message in ws:
                self._receive(message)
        except ConnectionClosed:
            pass
        finally:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
            self.ready.clear()
        code = ws.close_code if ws.close_code is not None else 1006
        self.stats.closes[code] = self.stats.closes.get(code, 0) + 1
        return code

    def _receive(self, message: bytes | str) -> None:
        if not isinstance(message, bytes):
            return
        frame = msgpack.unpackb(message, raw=False)
        kind = frame.get("t")
        now = time.monotonic()
        if kind == "ready":
            self.max_frame = frame.get("options", {}).get("max_frame") or self.max_frame
            acked = frame["acked"]
            for seq in [s for s in self.outbox if s <= acked]:
                self._acked(seq, now)
            # A server holding higher seqs than we know must never see a seq twice for other data.
            self.next_seq = max(self.next_seq, acked + 1)
            self.stats.readies += 1
            self.sent_through = acked
            self.ready.set()
            self._wake.set()
        elif kind == "ack":
            seq = frame["seq"]
            if self.keep_latencies and seq in self.sent_at and seq not in self.acked:
                self.stats.ack_latency.append(now - self.sent_at[seq])
                self.stats.ack_at.append(now)
            self._acked(seq, now)

    def _acked(self, seq: int, now: float) -> None:
        if seq not in self.acked:
            self.acked.add(seq)
            self.ack_time[seq] = now
        self.outbox.pop(seq, None)
        self.sent_at.pop(seq, None)
        if not self.outbox:
            self.drained.set()

    async def _writer(self, ws: ClientConnection) -> None:
        """Send, in order, every outbox batch not yet sent on this socket."""
        await self.ready.wait()
        while True:
            for seq in [s for s in self.outbox if s > self.sent_through]:
                data = self.outbox.get(seq)
                if data is None:
                    continue
                if seq in self.sent_at:  # sent on an earlier socket, never acked
                    self.stats.resent += 1
                for frame in batch_frames(seq, data, self.max_frame):
                    await ws.send(frame)
                self.sent_at[seq] = time.monotonic()
                self.sent_through = seq
            self._wake.clear()
            await self._wake.wait()
