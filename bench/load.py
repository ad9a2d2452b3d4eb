"""Load benchmark: N simulated recording sessions for D minutes against real daphne processes, with a few
live watchers, on one machine (loopback only).

    .venv/bin/python bench/load.py --sessions 1000 --minutes 10 --daphnes 2 --watchers 5

What runs: a private redis-server (AOF everysec, noeviction: the production settings), K daphne processes
on their own SQLite file (var/bench-load.sqlite3, recreated), and client processes that each drive a share
of the sessions with tests/support/recorder.py (the real protocol: hello, pipelined batches, acks, resend).
Sessions are spread round-robin over the daphnes; each watcher watches a session through a *different*
daphne than its recorder (the two-machine path: recorder and agent on different processes).

Event mix: bench/_archive_events.py (the archive benchmark's synthetic support session, 8 seeds): a ~57 KB
msgpack page snapshot at start, a new page or checkout every 5-8 min, a batch every 2 s with mouse-move
runs, scrolls, mutations, clicks, inputs, console and network events (~2.7 events/s, ~52 KB/min per
session). Sessions start spread over --ramp seconds. `--batch-every 0.5` sends the same batches 4x as
often (a busier tab).

Measured: acked events/s and batches/s, ack latency (client: send -> ack) p50/p99/max, live latency
(recorder push -> watcher receipt) p50/p99/max, Redis used_memory, RSS of every process every 10 s, and
zero loss: after a drain, every session's stream holds exactly the batches pushed (XLEN, acked seq, no gap;
20 sessions compared seq by seq).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import spawn_daphne  # noqa: E402

TARGET = "http://shop.bench"
SEEDS = 8


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- the server side ------------------------------------------------------------------------------------


def server_env(redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "supportreplay.settings",
        "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'bench-load.sqlite3'}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def prepare(sessions: int, redis_url: str) -> tuple[list[dict], str]:
    """A fresh database: one agent and `sessions` live sessions of links targeting TARGET."""
    (ROOT / "var" / "bench-load.sqlite3").unlink(missing_ok=True)
    os.environ.update(server_env(redis_url))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from sessions import credentials
    from tests.helpers import live

    agent = live.make_agent("bench-agent")
    cookie = live.session_cookie(agent)
    out = []
    for _ in range(sessions):
        session = live.make_session(agent, page_url=f"{TARGET}/orders")
        out.append({"id": str(session.pk), "cred": credentials.issue(session.pk)})
    return out, cookie


# --- the client side (runs in child processes, no Django) -----------------------------------------------


def event_pool(minutes: float) -> tuple[list[list[bytes]], list[list[int]]]:
    """Per seed: the encoded batches of a session and their event counts."""
    import msgpack

    from bench._archive_events import session_batches

    pool, counts = [], []
    for seed in range(SEEDS):
        batches = list(session_batches(int(minutes) + 2, seed=seed))
        pool.append([msgpack.packb(b, use_bin_type=True) for b in batches])
        counts.append([len(b) for b in batches])
    return pool, counts


async def drive(assigned, ports, cookie, args, progress, index, result_queue) -> None:
    import msgpack
    from websockets.asyncio.client import connect

    from tests.support.recorder import SimRecorder

    pool, counts = event_pool(args.minutes)
    rng = random.Random(index)
    recorders: dict[str, SimRecorder] = {}
    pushed: dict[str, int] = {}
    push_wall: dict[tuple[str, int], float] = {}
    watched = {s["id"] for s in assigned[: args.watchers]} if index == 0 else set()
    live_latency: list[float] = []
    started = time.monotonic()
    stop_at = started + args.ramp + args.minutes * 60

    async def session(n: int, s: dict) -> None:
        port = ports[s["port_index"]]
        rec = SimRecorder(f"ws://127.0.0.1:{port}/ws/ingest/", s["cred"], origin=TARGET, rng=rng)
        recorders[s["id"]] = rec
        seed = n % SEEDS
        await asyncio.sleep(rng.uniform(0, args.ramp))
        await rec.start()
        tick = time.monotonic()
        k = 0
        while time.monotonic() < stop_at and k < len(pool[seed]):
            seq = rec.push(pool[seed][k])
            if s["id"] in watched:
                push_wall[(s["id"], seq)] = time.time()
            k += 1
            pushed[s["id"]] = k
            tick += args.batch_every
            await asyncio.sleep(max(0.0, tick - time.monotonic()))

    watch_errors: list[str] = []

    async def watcher(s: dict) -> None:
        try:
            await watch(s)
        except Exception as exc:
            watch_errors.append(f"{type(exc).__name__}: {exc}")

    async def watch(s: dict) -> None:
        port = ports[(s["port_index"] + 1) % len(ports)]
        await asyncio.sleep(args.ramp + 5)
        url = f"ws://127.0.0.1:{port}/ws/watch/{s['id']}/"
        headers = {"Cookie": f"sessionid={cookie}"}
        async with connect(
            url, origin=f"http://127.0.0.1:{port}", additional_headers=headers, max_size=None
        ) as ws:
            tailing = False
            async for message in ws:
                frame = msgpack.unpackb(message, raw=False)
                if frame["t"] == "live":
                    tailing = True
                elif frame["t"] == "batch":
                    await ws.send(json.dumps({"t": "ack", "id": frame["id"]}))
                    sent = push_wall.get((s["id"], frame["seq"]))
                    if tailing and sent is not None:
                        live_latency.append(time.time() - sent)
                if time.monotonic() > stop_at:
                    return

    async def report() -> None:
        while True:
            progress[index * 2] = sum(len(r.acked) for r in recorders.values())
            progress[index * 2 + 1] = sum(
                sum(counts[n % SEEDS][: len(recorders[s["id"]].acked)])
                for n, s in enumerate(assigned)
                if s["id"] in recorders
            )
            await asyncio.sleep(5)

    reporter = asyncio.create_task(report())
    watchers = [asyncio.create_task(watcher(s)) for s in assigned if s["id"] in watched]
    await asyncio.gather(*(session(n, s) for n, s in enumerate(assigned)))
    await asyncio.gather(*(rec.drain(timeout=60) for rec in recorders.values()), return_exceptions=True)
    for task in watchers:
        task.cancel()
    reporter.cancel()
    # Only acks after the ramp: the steady state (the ramp's hello storm is reported on its own).
    steady_from = started + args.ramp + 10
    ack_latency, ramp_latency = [], []
    by_minute: dict[int, list[float]] = {}
    for rec in recorders.values():
        for at, latency in zip(rec.stats.ack_at, rec.stats.ack_latency, strict=True):
            (ack_latency if at >= steady_from else ramp_latency).append(latency)
            by_minute.setdefault(int((at - started) // 60), []).append(latency)
    result_queue.put(
        {
            "pushed": pushed,
            "acked": {sid: len(rec.acked) for sid, rec in recorders.items()},
            "unacked": sum(len(rec.outbox) for rec in recorders.values()),
            "ack_latency": ack_latency,
            "ramp_ack_latency": ramp_latency,
            "ack_by_minute": by_minute,
            "live_latency": live_latency,
            "watch_errors": watch_errors,
            "acked_sets": {sid: sorted(rec.acked) for sid, rec in recorders.items()},
            "connects": sum(rec.stats.connects for rec in recorders.values()),
            "resent": sum(rec.stats.resent for rec in recorders.values()),
        }
    )
    await asyncio.gather(*(rec.close() for rec in recorders.values()), return_exceptions=True)


def client_main(assigned, ports, cookie, args, progress, index, result_queue) -> None:
    asyncio.run(drive(assigned, ports, cookie, args, progress, index, result_queue))


# --- the run ----------------------------------------------------------------------------------------------


def verify(sessions: list[dict], acked: dict[str, list[int]], redis_url: str) -> dict:
    """Zero loss: every acked batch is in its session's stream, once (seq by seq for every session)."""
    import redis

    from sessions import keys

    client = redis.Redis.from_url(redis_url)
    lost = duplicated = 0
    for s in sessions:
        seqs = [int(f[b"seq"]) for _id, f in client.xrange(keys.events(s["id"]))]
        duplicated += len(seqs) - len(set(seqs))
        lost += len(set(acked.get(s["id"], [])) - set(seqs))
    return {"acked_batches_lost": lost, "batches_stored_twice": duplicated, "sessions_checked": len(sessions)}


def run(args) -> dict:
    from scripts.localredis import start_private

    redis_url, redis_proc = start_private(appendonly=True)
    import redis

    redis.Redis.from_url(redis_url).config_set("maxmemory-policy", "noeviction")
    procs: list[tuple[str, subprocess.Popen]] = [("redis", redis_proc)]
    try:
        sessions, cookie = prepare(args.sessions, redis_url)
        from scripts.localredis import free_port

        ports = [free_port() for _ in range(args.daphnes)]
        for i, port in enumerate(ports):
            procs.append((f"daphne-{i}", spawn_daphne(port, server_env(redis_url))))
        for n, s in enumerate(sessions):
            s["port_index"] = n % len(ports)
        ctx = mp.get_context("spawn")
        progress = ctx.Array("q", 2 * args.clients)
        results = ctx.Queue()
        clients = [
            ctx.Process(
                target=client_main,
                args=(sessions[i :: args.clients], ports, cookie, args, progress, i, results),
            )
            for i in range(args.clients)
        ]
        for c in clients:
            c.start()
        samples, collected = run_sampler(args, procs, clients, progress, results, redis_url)
        for c in clients:
            c.join(30)
        acked = {sid: seqs for r in collected for sid, seqs in r.pop("acked_sets").items()}
        loss = verify(sessions, acked, redis_url)
    finally:
        for _name, proc in procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    return summarize(args, samples, collected, loss)


def run_sampler(args, procs, clients, progress, results, redis_url) -> tuple[list[dict], list[dict]]:
    """Sample every --sample-every seconds until every client process has sent its results."""
    import queue

    import redis

    client = redis.Redis.from_url(redis_url)
    samples: list[dict] = []
    collected: list[dict] = []
    started = time.monotonic()
    while len(collected) < len(clients):
        if not any(c.is_alive() for c in clients) and results.empty():
            raise RuntimeError("a client process died without results")
        elapsed = time.monotonic() - started
        if not samples or elapsed - samples[-1]["t"] >= args.sample_every:
            persistence, stats = client.info("persistence"), client.info("stats")
            sample = {
                "t": round(elapsed, 1),
                "acked_batches": sum(progress[0::2]),
                "acked_events": sum(progress[1::2]),
                "redis_used_mb": round(client.info("memory")["used_memory"] / 2**20, 1),
                # Background AOF rewrites fork Redis and compete for the disk: a suspect for slow minutes.
                "redis_aof": {
                    k: persistence.get(k)
                    for k in ("aof_rewrite_in_progress", "aof_delayed_fsync", "aof_last_rewrite_time_sec")
                }
                | {
                    "total_forks": stats.get("total_forks"),
                    "latest_fork_usec": stats.get("latest_fork_usec"),
                },
                "rss_mb": {name: round(rss_mb(p.pid), 1) for name, p in procs}
                | {f"client-{i}": round(rss_mb(c.pid), 1) for i, c in enumerate(clients) if c.pid},
                "load1": os.getloadavg()[0],
            }
            samples.append(sample)
            print(json.dumps(sample), flush=True)
        with contextlib.suppress(queue.Empty):
            collected.append(results.get(timeout=0.5))
    return samples, collected


def summarize(args, samples, collected, loss) -> dict:
    ack = [x for r in collected for x in r["ack_latency"]]
    ramp_ack = [x for r in collected for x in r["ramp_ack_latency"]]
    minutes: dict[int, list[float]] = {}
    for r in collected:
        for minute, values in r["ack_by_minute"].items():
            minutes.setdefault(minute, []).extend(values)
    live = [x for r in collected for x in r["live_latency"]]
    steady = [s for s in samples if args.ramp + 10 <= s["t"] <= args.ramp + args.minutes * 60]
    rate_events = rate_batches = 0.0
    if len(steady) >= 2:
        span = steady[-1]["t"] - steady[0]["t"]
        rate_events = (steady[-1]["acked_events"] - steady[0]["acked_events"]) / span
        rate_batches = (steady[-1]["acked_batches"] - steady[0]["acked_batches"]) / span
    rss = {}
    for name in samples[-1]["rss_mb"] if samples else []:
        series = [s["rss_mb"].get(name, 0) for s in steady or samples]
        rss[name] = {"first": series[0], "last": series[-1], "max": max(series)}

    def ms(values: list[float]) -> dict:
        return {
            "n": len(values),
            "p50": round(percentile(values, 50) * 1000, 1),
            "p99": round(percentile(values, 99) * 1000, 1),
            "max": round(max(values, default=0) * 1000, 1),
            "mean": round(statistics.fmean(values) * 1000, 1) if values else 0,
        }

    return {
        "args": vars(args),
        "events_per_s": round(rate_events),
        "batches_per_s": round(rate_batches),
        "ack_latency_ms": ms(ack),
        "ramp_ack_latency_ms": ms(ramp_ack),
        "ack_p50_p99_ms_by_minute": {
            m: (round(percentile(v, 50) * 1000, 1), round(percentile(v, 99) * 1000, 1))
            for m, v in sorted(minutes.items())
        },
        "live_latency_ms": ms(live),
        "redis_used_mb_last": samples[-1]["redis_used_mb"] if samples else 0,
        "rss_mb": rss,
        "pushed_batches": sum(sum(r["pushed"].values()) for r in collected),
        "unacked_after_drain": sum(r["unacked"] for r in collected),
        "connects": sum(r["connects"] for r in collected),
        "resent": sum(r["resent"] for r in collected),
        "watch_errors": [e for r in collected for e in r["watch_errors"]][:5],
        **loss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--daphnes", type=int, default=1)
    parser.add_argument("--clients", type=int, default=2, help="client processes driving the sessions")
    parser.add_argument("--watchers", type=int, default=5)
    parser.add_argument(
        "--batch-every", type=float, default=2.0, help="seconds between a session's batches (the mix's 2 s)"
    )
    parser.add_argument("--ramp", type=float, default=30, help="seconds over which sessions start")
    parser.add_argument("--sample-every", type=float, default=10)
    parser.add_argument("--out", default="", help="write the summary JSON here too")
    args = parser.parse_args()
    summary = run(args)
    print(json.dumps(summary, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
