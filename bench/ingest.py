"""Ingest benchmark: N simulated recorders (bench/_clients.py) over real websockets against one real daphne.

    .venv/bin/python bench/ingest.py --recorders 100 500 1000 --seconds 30

For each N it starts a fresh daphne on a free loopback port, creates N live sessions in its own SQLite file
(var/bench-ingest.sqlite3), connects the recorders spread over --ramp seconds (each sends a 200-500 KB
full snapshot, then ~20 events/s in 250 ms batches) from --procs client processes, keeps them all
recording for --seconds, drains the acks, and reports: events/s stored, ack latency p50/p99 of the
incremental batches (and of the snapshots), events lost (sent but not stored), closes/errors, Redis
memory per session and daphne's CPU use. It starts a private redis-server and flushes it between runs;
with --redis-url it uses that Redis instead and flushes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import bench_env, bench_redis, cpu_seconds, free_port, spawn_daphne  # noqa: E402


def server_env(redis_url: str) -> dict[str, str]:
    return bench_env("bench-ingest.sqlite3", redis_url)


def prepare(n: int, port: int, flush: bool) -> list[str]:
    """A fresh database (and Redis, when the bench owns it): `n` live sessions targeting daphne's /demo/."""
    from django.core.management import call_command

    from magiclinks.models import MagicLink
    from sessions import credentials
    from sessions.models import RecordingSession, SessionState
    from supportreplay.redis_client import get_redis
    from tests.sessions.factories import make_agent, make_link

    call_command("migrate", verbosity=0, interactive=False)
    RecordingSession.objects.all().delete()
    MagicLink.objects.all().delete()
    if flush:  # only a Redis this bench started
        get_redis().flushdb()
    link = make_link(f"http://127.0.0.1:{port}/demo/", agent=make_agent(), max_sessions=n, sessions_used=n)
    sessions = RecordingSession.objects.bulk_create(
        RecordingSession(link=link, state=SessionState.LIVE) for _ in range(n)
    )
    return [credentials.issue(s.pk) for s in sessions]


def client_process(port: int, jobs: list[tuple[int, str, float]], seconds: float, out) -> None:
    """Run this process's share of recorders; job = (index, credential, start delay)."""
    from bench._clients import SimulatedRecorder

    async def one(index: int, credential: str, delay: float, end_at: float):
        await asyncio.sleep(delay)
        origin = f"http://127.0.0.1:{port}"
        recorder = SimulatedRecorder(
            f"ws://127.0.0.1:{port}", origin, credential, tab=f"tab{index}", seed=index
        )
        return await recorder.run(max(1.0, end_at - time.monotonic()))

    async def main():
        end_at = time.monotonic() + max((d for _, _, d in jobs), default=0) + seconds
        return await asyncio.gather(*(one(i, c, d, end_at) for i, c, d in jobs))

    results = asyncio.run(main())
    out.put([r.__dict__ for r in results])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def run_one(n: int, args) -> dict:
    from sessions import keys
    from sessions.models import RecordingSession
    from sessions.store import read_meta
    from supportreplay.redis_client import get_redis

    port = free_port()
    credentials = prepare(n, port, args.redis_owned)
    session_ids = list(RecordingSession.objects.values_list("id", flat=True).order_by("started_at"))
    redis = get_redis()
    memory_before = redis.info("memory")["used_memory"]
    daphne = spawn_daphne(
        port, server_env(args.redis_url), stdout=(ROOT / "var" / "bench-ingest-daphne.log").open("ab")
    )
    try:
        cpu_before, started = cpu_seconds(daphne.pid), time.monotonic()
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        jobs = [(i, cred, args.ramp * i / n) for i, cred in enumerate(credentials)]
        procs = [
            ctx.Process(target=client_process, args=(port, jobs[k :: args.procs], args.seconds, queue))
            for k in range(args.procs)
        ]
        for proc in procs:
            proc.start()
        stats = [s for _ in procs for s in queue.get(timeout=args.ramp + args.seconds + 120)]
        for proc in procs:
            proc.join(30)
        elapsed, cpu_used = time.monotonic() - started, cpu_seconds(daphne.pid) - cpu_before
    finally:
        daphne.terminate()
        daphne.wait(15)
    stored_events = sum((read_meta(sid).events if read_meta(sid) else 0) for sid in session_ids)
    sample = session_ids[: min(100, n)]
    per_session = statistics.mean(
        sum(redis.memory_usage(key, samples=0) or 0 for key in (keys.events(s), keys.acked(s), keys.meta(s)))
        for s in sample
    )
    stored_bytes = statistics.mean(read_meta(s).bytes for s in sample if read_meta(s))
    acks = [ms for s in stats for ms in s["ack_ms"]]
    # Steady state: batches sent after every recorder connected and sent its snapshot.
    steady_from = time.time() - elapsed + args.ramp + 5
    steady = [ms for s in stats for at, ms in zip(s["ack_at"], s["ack_ms"], strict=True) if at >= steady_from]
    snapshot_acks = [ms for s in stats for ms in s["snapshot_ack_ms"]]
    sent = sum(s["events_sent"] for s in stats)
    acked = sum(s["events_acked"] for s in stats)
    return {
        "recorders": n,
        "seconds": round(elapsed, 1),
        "events_sent": sent,
        "events_acked": acked,
        "events_stored": stored_events,
        "lost_acked_not_stored": max(0, acked - stored_events),
        "unacked_at_end": sent - acked,
        "events_per_s": round(stored_events / elapsed),
        "steady_events_per_s_offered": round(n * 21.5),
        "ack_p50_ms": round(percentile(acks, 50), 1),
        "ack_p99_ms": round(percentile(acks, 99), 1),
        "steady_ack_p50_ms": round(percentile(steady, 50), 1),
        "steady_ack_p99_ms": round(percentile(steady, 99), 1),
        "snapshot_ack_p50_ms": round(percentile(snapshot_acks, 50), 1),
        "snapshot_ack_p99_ms": round(percentile(snapshot_acks, 99), 1),
        "closed": sum(1 for s in stats if s["closed_with"] is not None),
        "errors": sorted({s["error"] for s in stats if s["error"]})[:3],
        "redis_kb_per_session": round(per_session / 1024, 1),
        "stored_kb_per_session": round(stored_bytes / 1024, 1),
        "redis_used_mb_delta": round((redis.info("memory")["used_memory"] - memory_before) / 2**20, 1),
        "daphne_cpu_pct": round(100 * cpu_used / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recorders", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--seconds", type=float, default=30, help="steady recording time after the ramp")
    parser.add_argument("--ramp", type=float, default=15, help="connect the recorders over this many seconds")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument(
        "--redis-url", default="", help="a shared Redis (never flushed); default: a private redis-server"
    )
    args = parser.parse_args()
    args.redis_url, args.redis_owned = bench_redis(args.redis_url)
    os.environ.update(server_env(args.redis_url))
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    for n in args.recorders:
        print(json.dumps(run_one(n, args)), flush=True)


if __name__ == "__main__":
    main()
