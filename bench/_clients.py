"""A reusable simulated recorder: the ingest wire protocol over a real websocket, with a realistic event mix.

    recorder = SimulatedRecorder(ws_url, origin, credential, tab="t1")
    await recorder.run(seconds=30)          # connect, hello, full snapshot, then ~20 events/s
    recorder.stats                          # sent / acked counts and ack latencies (ms)

What it sends, like the real recorder (static/recorder): a Meta event plus a 200-500 KB Full snapshot first
(split into 512 KiB parts when over the frame limit), then a batch every 250 ms with ~5 events: mouse
moves, DOM mutations, masked inputs, a click now and then, console output every ~2 s and a network
request every ~3 s (one in ten failing). It does not wait for acks to send the next batch; it records
the time from sending a batch to receiving its ack.

Events are built from templates once per process, so a client process can drive hundreds of recorders.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from functools import cache

import msgpack
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

PART_SIZE = 512 * 1024
BATCH_INTERVAL = 0.25
WORDS = [
    "cart",
    "checkout",
    "order",
    "shipping",
    "total",
    "discount",
    "coupon",
    "address",
    "billing",
    "product",
    "review",
    "size",
    "colour",
]


def now_ms() -> int:
    return int(time.time() * 1000)


def _element(rng: random.Random, next_id: list[int], depth: int, budget: list[int]) -> dict:
    node_id = next_id[0] = next_id[0] + 1
    tag = rng.choice(["div", "section", "li", "span", "a", "p", "button", "ul"])
    attrs = {"class": " ".join(rng.choices(WORDS, k=3)), "data-testid": f"{tag}-{node_id}"}
    if tag == "a":
        attrs["href"] = f"/shop/{rng.choice(WORDS)}/{node_id}"
    children: list[dict] = []
    if depth < 12 and budget[0] > 0:
        for _ in range(rng.randint(1, 4)):
            if budget[0] <= 0:
                break
            budget[0] -= 1
            if rng.random() < 0.45:
                next_id[0] += 1
                text = " ".join(rng.choices(WORDS, k=rng.randint(2, 12)))
                children.append({"type": 3, "textContent": text, "id": next_id[0]})
            else:
                children.append(_element(rng, next_id, depth + 1, budget))
    return {"type": 2, "tagName": tag, "attributes": attrs, "childNodes": children, "id": node_id}


@cache
def snapshot_template(target_kb: int, seed: int = 1) -> tuple[dict, int]:
    """A Full-snapshot event of about `target_kb` KB of msgpack, and its highest node id."""
    rng = random.Random(seed)
    next_id = [3]
    body = {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [], "id": 3}
    while len(msgpack.packb(body)) < target_kb * 1024:
        body["childNodes"].append(_element(rng, next_id, 0, [200]))
    html = {"type": 2, "tagName": "html", "attributes": {"lang": "en"}, "childNodes": [body], "id": 2}
    node = {"type": 0, "childNodes": [html], "id": 1}
    return {"type": 2, "data": {"node": node, "initialOffset": {"left": 0, "top": 0}}}, next_id[0]


def full_snapshot_batch(url: str, target_kb: int, ts: int) -> list[dict]:
    snapshot, _ = snapshot_template(target_kb)
    meta = {"type": 4, "data": {"href": url, "width": 1280, "height": 800}, "timestamp": ts}
    return [meta, {**snapshot, "timestamp": ts}]


class EventMix:
    """The incremental events of one recorder: ~20 events/s in 250 ms batches."""

    def __init__(self, rng: random.Random, max_id: int, url: str) -> None:
        self.rng, self.max_id, self.url, self.tick = rng, max_id, url, 0

    def batch(self, ts: int) -> list[dict]:
        rng, self.tick = self.rng, self.tick + 1
        node = rng.randint(4, self.max_id)
        x, y = rng.randint(0, 1280), rng.randint(0, 800)
        positions = [{"x": x + i, "y": y + i, "id": node, "timeOffset": -40 * i} for i in range(4)]
        events = [
            {"type": 3, "data": {"source": 1, "positions": positions}, "timestamp": ts},
            {"type": 3, "data": {"source": 1, "positions": positions[:2]}, "timestamp": ts},
            {
                "type": 3,
                "data": {
                    "source": 0,
                    "texts": [{"id": node, "value": " ".join(rng.choices(WORDS, k=3))}],
                    "attributes": [{"id": node, "attributes": {"class": rng.choice(WORDS)}}],
                    "removes": [],
                    "adds": [],
                },
                "timestamp": ts,
            },
            {
                "type": 3,
                "data": {"source": 5, "text": "*" * rng.randint(1, 12), "isChecked": False, "id": node},
                "timestamp": ts,
            },
            {"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": rng.randint(0, 3000)}, "timestamp": ts},
        ]
        if self.tick % 4 == 0:
            events.append(
                {"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": ts}
            )
        if self.tick % 8 == 0:
            level = "error" if self.tick % 40 == 0 else "log"
            payload = {
                "level": level,
                "payload": [f'"{rng.choice(WORDS)} updated"'],
                "trace": ["app.js:120:7"],
            }
            events.append(
                {"type": 6, "data": {"plugin": "rrweb/console@1", "payload": payload}, "timestamp": ts}
            )
        if self.tick % 12 == 0:
            status = 500 if self.tick % 120 == 0 else 200
            request = {
                "url": f"{self.url}api/{rng.choice(WORDS)}",
                "method": "GET",
                "status": status,
                "initiatorType": "fetch",
                "startTime": 1000.0 + self.tick,
                "endTime": 1080.0 + self.tick,
                "requestHeaders": {"accept": "application/json"},
                "responseHeaders": {"content-type": "application/json"},
            }
            events.append(
                {
                    "type": 6,
                    "data": {"plugin": "rrweb/network@1", "payload": {"requests": [request]}},
                    "timestamp": ts,
                }
            )
        return events


@dataclass
class RecorderStats:
    batches_sent: int = 0
    events_sent: int = 0
    batches_acked: int = 0
    events_acked: int = 0
    ack_ms: list[float] = field(default_factory=list)  # incremental batches only
    ack_at: list[float] = field(default_factory=list)  # wall-clock send time of each entry in ack_ms
    snapshot_ack_ms: list[float] = field(default_factory=list)
    closed_with: int | None = None
    error: str = ""


class SimulatedRecorder:
    def __init__(
        self,
        ws_url: str,
        origin: str,
        credential: str,
        *,
        tab: str = "t1",
        page_url: str = "",
        seed: int = 0,
        snapshot_kb: int | None = None,
    ) -> None:
        self.url, self.origin, self.credential, self.tab = f"{ws_url}/ws/ingest/", origin, credential, tab
        self.rng = random.Random(seed)
        self.page_url = page_url or f"{origin}/demo/"
        # A few snapshot sizes between 200 and 500 KB (cached per process).
        self.snapshot_kb = snapshot_kb or self.rng.choice([200, 300, 400, 500])
        self.stats = RecorderStats()
        self.seq = 0
        self.pending: dict[int, tuple[float, int, bool, float]] = {}  # seq -> (sent, events, snapshot, wall)
        self.all_acked = asyncio.Event()

    async def _send_batch(
        self, ws, events: list[dict], snapshot: bool = False, max_frame: int = 1 << 20
    ) -> None:
        seq, self.seq = self.seq, self.seq + 1
        self.pending[seq] = (time.perf_counter(), len(events), snapshot, time.time())
        self.all_acked.clear()
        frame = msgpack.packb({"t": "events", "seq": seq, "events": events}, use_bin_type=True)
        if len(frame) <= max_frame:
            await ws.send(frame)
        else:
            blob = msgpack.packb(events, use_bin_type=True)
            parts = [blob[i : i + PART_SIZE] for i in range(0, len(blob), PART_SIZE)]
            for i, part in enumerate(parts):
                await ws.send(
                    msgpack.packb(
                        {"t": "part", "seq": seq, "i": i, "n": len(parts), "data": part}, use_bin_type=True
                    )
                )
        self.stats.batches_sent += 1
        self.stats.events_sent += len(events)

    async def _read_acks(self, ws) -> None:
        try:
            async for data in ws:
                frame = msgpack.unpackb(data, raw=False)
                if frame.get("t") == "ack" and frame["seq"] in self.pending:
                    self._acked(frame["seq"])
        except ConnectionClosed as exc:
            self.stats.closed_with = exc.rcvd.code if exc.rcvd else 1006

    def _acked(self, seq: int) -> None:
        sent, count, snapshot, wall = self.pending.pop(seq)
        latency = (time.perf_counter() - sent) * 1000
        if snapshot:
            self.stats.snapshot_ack_ms.append(latency)
        else:
            self.stats.ack_ms.append(latency)
            self.stats.ack_at.append(wall)
        self.stats.batches_acked += 1
        self.stats.events_acked += count
        if not self.pending:
            self.all_acked.set()

    async def run(self, seconds: float, drain_timeout: float = 10.0) -> RecorderStats:
        """Record for `seconds`, then wait (bounded) for the outstanding acks and close with bye unload."""
        try:
            async with connect(
                self.url, origin=self.origin, open_timeout=30, max_size=None, ping_interval=None
            ) as ws:
                await ws.send(
                    msgpack.packb({"t": "hello", "cred": self.credential, "tab": self.tab, "page": 0})
                )
                ready = msgpack.unpackb(await asyncio.wait_for(ws.recv(), 30), raw=False)
                if ready.get("t") != "ready":
                    raise RuntimeError(f"no ready: {ready}")
                max_frame = ready["options"]["max_frame"]
                reader = asyncio.create_task(self._read_acks(ws))
                await self._send_batch(
                    ws, full_snapshot_batch(self.page_url, self.snapshot_kb, now_ms()), True, max_frame
                )
                _, max_id = snapshot_template(self.snapshot_kb)
                mix = EventMix(self.rng, max_id, self.page_url)
                deadline = time.monotonic() + seconds
                next_at = time.monotonic() + BATCH_INTERVAL * self.rng.random()
                while time.monotonic() < deadline:
                    await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                    next_at += BATCH_INTERVAL
                    await self._send_batch(ws, mix.batch(now_ms()), False, max_frame)
                if self.pending:
                    await asyncio.wait_for(self.all_acked.wait(), drain_timeout)
                await ws.send(msgpack.packb({"t": "bye", "reason": "unload"}))
                reader.cancel()
        except ConnectionClosed as exc:
            self.stats.closed_with = exc.rcvd.code if exc.rcvd else 1006
        except Exception as exc:  # a benchmark reports failures instead of stopping
            self.stats.error = f"{type(exc).__name__}: {exc}"[:200]
        return self.stats
