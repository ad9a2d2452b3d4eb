"""Live-view latency: N simulated recorder/watcher pairs over real websockets, real daphne, real Redis.

Each recorder is the reference client (tests/support/recorder.py) on daphne A's ingest socket and
sends a small batch (mouse move + text mutation) every --interval ms, each event stamped with the
recorder's clock. Each watcher is a logged-in agent on daphne B's watch socket; for every event it
receives after its catch-up it records `receipt time - event timestamp`. Recorders and watchers run in
separate client processes so the measuring clients do not starve each other.

    .venv/bin/python bench/live_latency.py --pairs 10 100 200 --seconds 10

Uses its own SQLite file (var/bench-live.sqlite3) and a private redis-server it starts and flushes between
runs; with --redis-url it uses that Redis instead and flushes nothing (keys of earlier runs stay there).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import bench_env, bench_redis, cpu_seconds, free_port, spawn_daphne  # noqa: E402


def _env(redis_url: str) -> dict[str, str]:
    return bench_env("bench-live.sqlite3", redis_url, SUPPORTREPLAY_RATE_FRAMES_PER_SECOND="1000")


def setup_django(redis_url: str) -> None:
    os.environ.update(_env(redis_url))
    import django

    django.setup()


def prepare(pairs: int, port_a: int, flush: bool) -> list[dict]:
    """Fresh database rows: one agent, `pairs` live sessions of links targeting daphne A."""
    from django.core.management import call_command

    from sessions import credentials
    from supportreplay.redis_client import get_redis
    from tests.helpers import live

    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth.models import User

    from magiclinks.models import MagicLink
    from sessions.models import RecordingSession

    # The bench's own database: start from nothing each run.
    RecordingSession.objects.all().delete()
    MagicLink.objects.all().delete()
    User.objects.filter(username="bench-agent").delete()
    if flush:  # only a Redis this bench started
        get_redis().flushdb()
    agent = live.make_agent("bench-agent")
    cookie = live.session_cookie(agent)
    out = []
    for _ in range(pairs):
        session = live.make_session(agent, page_url=f"http://127.0.0.1:{port_a}/demo/")
        out.append({"id": str(session.pk), "cred": credentials.issue(session.pk), "cookie": cookie})
    return out


def _now() -> int:
    return int(time.time() * 1000)


def _page(ts: int) -> list[dict]:
    """Meta + a small full snapshot whose text node id 7 the mutations below rewrite."""
    from tests.support.events import full_snapshot_event, meta_event

    return [meta_event(ts, href="http://bench/"), full_snapshot_event(ts, text="x")]


async def recorder(
    url: str, origin: str, sess: dict, start_at: float, stop_at: float, interval: float
) -> int:
    from tests.support.recorder import SimRecorder

    sent = 0
    client = SimRecorder(
        f"{url}/ws/ingest/",
        sess["cred"],
        origin=origin,
        tab="bench-tab",
        open_timeout=30,
        keep_latencies=False,
    )
    await client.start()
    try:
        await asyncio.wait_for(client.ready.wait(), 30)
        client.push(_page(_now()))
        await asyncio.sleep(max(0, start_at - time.time()))
        n = 0
        while time.time() < stop_at:
            ts = _now()
            events = [
                {
                    "type": 3,
                    "data": {"source": 1, "positions": [{"x": n % 800, "y": 100, "id": 5, "timeOffset": 0}]},
                    "timestamp": ts,
                },
                {
                    "type": 3,
                    "data": {
                        "source": 0,
                        "texts": [{"id": 7, "value": f"v{n}"}],
                        "attributes": [],
                        "removes": [],
                        "adds": [],
                    },
                    "timestamp": ts,
                },
            ]
            client.push(events)
            n += 1
            sent += len(events)
            await asyncio.sleep(interval)
    finally:
        await client.close()
    return sent


async def watcher(url: str, sess: dict, stop_at: float, samples: list[tuple[float, float]]) -> None:
    import msgpack
    from websockets.asyncio.client import connect

    headers = {"Cookie": f"sessionid={sess['cookie']}"}
    async with connect(
        f"{url}/ws/watch/{sess['id']}/",
        origin=url.replace("ws", "http", 1),  # the site's exact origin (scheme included)
        additional_headers=headers,
        max_size=None,
        open_timeout=30,
    ) as ws:
        live = False
        last_ack = 0.0
        unacked = None
        while time.time() < stop_at + 2:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, stop_at + 2 - time.time()))
            except TimeoutError:
                break
            received = time.time() * 1000
            frame = msgpack.unpackb(raw)
            if frame["t"] == "live":
                live = True
            elif frame["t"] == "batch":
                if live:
                    for event in msgpack.unpackb(frame["ev"]):
                        if event.get("type") == 3:
                            # (total, recorder -> stored in Redis by daphne A)
                            samples.append((received - event["timestamp"], frame["ts"] - event["timestamp"]))
                unacked = frame["id"]
            # Acks are cumulative: like the page, acknowledge at most every 500 ms.
            if unacked and time.monotonic() - last_ack > 0.5:
                await ws.send(json.dumps({"t": "ack", "id": unacked}))
                last_ack, unacked = time.monotonic(), None


def _run_side(
    side: str,
    url: str,
    origin: str,
    sessions: list[dict],
    start_at: float,
    stop_at: float,
    interval: float,
    queue,
) -> None:
    async def main() -> list[float] | int:
        if side == "recorders":
            # Spread connections so N hellos do not arrive in one burst.
            results = await asyncio.gather(
                *(recorder(url, origin, s, start_at, stop_at, interval) for s in sessions),
                return_exceptions=True,
            )
            errors = [r for r in results if isinstance(r, BaseException)]
            if errors:
                print("recorder errors:", len(errors), repr(errors[0]), file=sys.stderr)
            return sum(r for r in results if isinstance(r, int))
        samples: list[tuple[float, float]] = []
        results = await asyncio.gather(
            *(watcher(url, s, stop_at, samples) for s in sessions), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            print("watcher errors:", len(errors), repr(errors[0]), file=sys.stderr)
        return samples

    queue.put((side, asyncio.run(main())))


def run(pairs: int, seconds: float, interval_ms: int, redis_url: str, owned: bool) -> dict:
    port_a, port_b = free_port(), free_port()
    sessions = prepare(pairs, port_a, owned)
    a = spawn_daphne(port_a, _env(redis_url))
    b = spawn_daphne(port_b, _env(redis_url), profile=os.environ.get("BENCH_PROFILE_WATCH", ""))
    try:
        warmup = 3 + pairs / 50
        start_at = time.time() + warmup
        stop_at = start_at + seconds
        queue = multiprocessing.Queue()
        url_a, url_b = f"ws://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        procs = [
            multiprocessing.Process(
                target=_run_side,
                args=(
                    "recorders",
                    url_a,
                    f"http://127.0.0.1:{port_a}",
                    sessions,
                    start_at,
                    stop_at,
                    interval_ms / 1000,
                    queue,
                ),
            ),
            multiprocessing.Process(
                target=_run_side,
                args=("watchers", url_b.replace("http", "ws"), None, sessions, start_at, stop_at, 0, queue),
            ),
        ]
        for p in procs:
            p.start()
        results = dict(queue.get(timeout=seconds + warmup + 60) for _ in procs)
        for p in procs:
            p.join(10)
        cpu = {"ingest_cpu_s": round(cpu_seconds(a.pid), 1), "watch_cpu_s": round(cpu_seconds(b.pid), 1)}
    finally:
        for proc in (a, b):
            proc.terminate()
        for proc in (a, b):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    pairs_ms = results["watchers"]
    samples = sorted(total for total, _ in pairs_ms)
    upstream = sorted(up for _, up in pairs_ms)
    sent = results["recorders"]

    def pct(q: float, values: list[float] | None = None) -> float:
        values = samples if values is None else values
        return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")

    return {
        "pairs": pairs,
        "events_sent": sent,
        "events_received": len(samples),
        "p50_ms": round(pct(0.50), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(samples[-1], 1) if samples else None,
        **cpu,
        "ingest_p50_ms": round(pct(0.50, upstream), 1),
        "ingest_p99_ms": round(pct(0.99, upstream), 1),
        "mean_ms": round(statistics.fmean(samples), 1) if samples else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, nargs="+", default=[10, 100, 200])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--interval", type=int, default=250, help="ms between a recorder's batches")
    parser.add_argument(
        "--redis-url", default="", help="a shared Redis (never flushed); default: a private redis-server"
    )
    args = parser.parse_args()
    redis_url, owned = bench_redis(args.redis_url)
    setup_django(redis_url)
    print(
        f"{'pairs':>6} {'sent':>8} {'received':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  ingest p50/p99"
    )
    for n in args.pairs:
        r = run(n, args.seconds, args.interval, redis_url, owned)
        print(
            f"{r['pairs']:>6} {r['events_sent']:>8} {r['events_received']:>9} "
            f"{r['p50_ms']:>8} {r['p99_ms']:>8} {r['max_ms']:>8}  {r['ingest_p50_ms']}/{r['ingest_p99_ms']}"
            f"  {r['ingest_cpu_s']}/{r['watch_cpu_s']}  {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
