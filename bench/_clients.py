"""A reusable simulated recorder: the ingest wire protocol over a real websocket, with a realistic event mix.

    recorder = SimulatedRecorder(ws_url, origin, credential, tab="t1")
    await recorder.run(seconds=30)          # connect, hello, full snapshot, then ~20 events/s
    recorder.stats                          # sent / acked counts and ack latencies (ms)

The wire protocol is the reference client's (tests/support/recorder.py: hello, pipelined batches, parts
over the frame limit, resend after a reconnect); the events are tests/support/event_mix.py's: a Meta event
plus a 200-500 KB Full snapshot first, then a batch every 250 ms with ~5 events. It does not wait for acks
to send the next batch; it records the time from queueing a batch to receiving its ack.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from tests.support.event_mix import EventMix, full_snapshot_batch, snapshot_template
from tests.support.events import now_ms
from tests.support.recorder import SimRecorder

BATCH_INTERVAL = 0.25


@dataclass
class RecorderStats:
    batches_sent: int = 0
    events_sent: int = 0
    batches_acked: int = 0
    events_acked: int = 0
    ack_ms: list[float] = field(default_factory=list)  # incremental batches only
    ack_at: list[float] = field(default_factory=list)  # wall-clock send time of each entry in ack_ms
    snapshot_ack_ms: list[float] = field(default_factory=list)
    snapshot_acked_wall: float = 0.0  # wall-clock time the first full snapshot was acked
    closed_with: int | None = None
    error: str = ""


class SimulatedRecorder:
    """One recorder of the ingest bench: the reference client (tests/support/recorder.py) fed an EventMix."""

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
        connect_options: dict | None = None,
    ) -> None:
        self.url, self.origin, self.credential, self.tab = f"{ws_url}/ws/ingest/", origin, credential, tab
        self.rng = random.Random(seed)
        self.page_url = page_url or f"{origin}/demo/"
        # A few snapshot sizes between 200 and 500 KB (cached per process).
        self.snapshot_kb = snapshot_kb or self.rng.choice([200, 300, 400, 500])
        self.stats = RecorderStats()
        self.pushed: dict[int, tuple[float, int, float]] = {}  # seq -> (monotonic, events, wall)
        self.connect_options = connect_options

    def _push(self, client: SimRecorder, events: list[dict]) -> None:
        seq = client.push(events)
        self.pushed[seq] = (time.monotonic(), len(events), time.time())
        self.stats.batches_sent += 1
        self.stats.events_sent += len(events)

    async def run(self, seconds: float, drain_timeout: float = 10.0) -> RecorderStats:
        """Record for `seconds`, then wait (bounded) for the outstanding acks and close with bye unload."""
        client = SimRecorder(
            self.url,
            self.credential,
            origin=self.origin,
            tab=self.tab,
            open_timeout=30,
            rng=self.rng,
            connect_options=self.connect_options,
        )
        await client.start()
        snapshot_seq = -1
        try:
            await asyncio.wait_for(client.ready.wait(), 30)
            snapshot_seq = client.next_seq
            self._push(client, full_snapshot_batch(self.page_url, self.snapshot_kb, now_ms()))
            _, max_id = snapshot_template(self.snapshot_kb)
            mix = EventMix(self.rng, max_id, self.page_url)
            deadline = time.monotonic() + seconds
            next_at = time.monotonic() + BATCH_INTERVAL * self.rng.random()
            while time.monotonic() < deadline and client.ended is None:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += BATCH_INTERVAL
                self._push(client, mix.batch(now_ms()))
            closes = dict(client.stats.closes)
            await client.stop("unload", drain_timeout)
            self.stats.closed_with = next(iter(closes), None)
        except Exception as exc:  # a benchmark reports failures instead of stopping
            self.stats.error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            await client.close()
        for seq, acked_at in sorted(client.ack_time.items()):
            if seq not in self.pushed:
                continue
            pushed_at, count, wall = self.pushed[seq]
            latency = (acked_at - pushed_at) * 1000
            if seq == snapshot_seq:
                self.stats.snapshot_ack_ms.append(latency)
                self.stats.snapshot_acked_wall = wall + latency / 1000
            else:
                self.stats.ack_ms.append(latency)
                self.stats.ack_at.append(wall)
            self.stats.batches_acked += 1
            self.stats.events_acked += count
        return self.stats
