"""Abuse benchmark: an honest customer streams next to each attack of issue #12; is it still served?

    .venv/bin/python bench/abuse.py --seconds 20 --pin              # daphne alone, attacker on its own CPU
    .venv/bin/python bench/abuse.py --seconds 20 --pin --via-nginx  # the deploy nginx in front (TLS, per-IP)

For each attack it starts a fresh daphne on a free port (own SQLite file var/bench-abuse.sqlite3, a
private redis-server on a free port, so nothing shared is filled or flushed), then runs one honest
`bench/_clients.SimulatedRecorder` (a 200-500 KB full snapshot, then a batch every 250 ms) for --seconds
while the attack runs, and reports the honest customer's ack p50/p99 (incremental batches), whether it
was ever closed, how many batches were lost, and daphne's CPU (its validation workers included) and peak
RSS (daphne's own, and with its workers). The attacker runs in its own process from 127.0.0.1, the honest
customer from 127.0.0.2 (both reach 127.0.0.1: the loopback answers any 127.x source).

- `--pin` models the attacker as another machine on a 2-CPU host: the attack process runs on CPU 0,
  everything else (Redis, daphne and its workers, nginx, the customer) on CPU 1.
- `--via-nginx` puts the deploy bundle's nginx (rendered from deploy/nginx/, TLS with a throwaway
  certificate, its per-client-address limits) in front of daphne (tests/deploy/proxy.py).
- `--control` sends the attack to a second daphne instead (what is left is the machine's load);
  `--timeline` writes each ack's latency over time to var/bench-abuse-<attack>-timeline.json.

Attacks:

- baseline      no attack.
- unauth        4 attackers without a credential, each sending a ~1 MB frame of nested empty maps as
                its first frame, reconnecting after each close (steady 1 MB/s per attacker).
- hellos        waves of 200 concurrent hellos on one credential (and 30 other sessions' credentials).
- parts         8 authenticated sockets each sending 512 KiB parts of batches they never complete,
                reconnecting when closed.
- quota         one credential, 16 sockets each sending incompressible 512 KB batches at the per-socket
                rate and reconnecting after every close (the quota is lowered to 32 MiB for the run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import queue
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import localredis  # noqa: E402

from bench._abuse_attacks import attack_process  # noqa: E402
from bench._stack import bench_env, cpu_seconds, free_port, spawn_daphne  # noqa: E402
from tests.deploy import proxy as nginx_proxy  # noqa: E402

ATTACKS = ["baseline", "unauth", "hellos", "parts", "quota"]
QUOTA = 32 * 1024 * 1024
CUSTOMER_ADDR, ATTACKER_ADDR = "127.0.0.2", "127.0.0.1"  # the loopback answers any 127.x source
SERVER_CPUS, ATTACKER_CPUS = {1}, {0}  # --pin


def prepare(n: int, port: int) -> list[str]:
    """A fresh database: `n` live sessions whose link targets daphne's own /demo/; their credentials."""
    from django.core.management import call_command

    from magiclinks.models import MagicLink
    from sessions import credentials
    from sessions.models import RecordingSession, SessionState
    from tests.sessions.factories import make_agent, make_link

    call_command("migrate", verbosity=0, interactive=False)
    RecordingSession.objects.all().delete()
    MagicLink.objects.all().delete()
    link = make_link(f"http://127.0.0.1:{port}/demo/", agent=make_agent(), max_sessions=n, sessions_used=n)
    sessions = RecordingSession.objects.bulk_create(
        RecordingSession(link=link, state=SessionState.LIVE) for _ in range(n)
    )
    return [credentials.issue(s.pk) for s in sessions]


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """daphne's child processes (its validation workers and their resource tracker)."""
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Target:
    """Where the clients connect: daphne directly, or the deploy nginx in front of it (--via-nginx)."""

    ws_url: str
    origin: str
    proxy: nginx_proxy.Proxy | None = None

    def options(self, source: str) -> dict:
        if self.proxy is None:
            return {"local_addr": (source, 0)}
        return self.proxy.connect_options(source)


async def measure(
    attack_name: str, target: Target, attack_target: Target, creds: list[str], args, pid: int
) -> dict:
    from bench._clients import SimulatedRecorder

    options = target.options(CUSTOMER_ADDR)
    if target.proxy is not None:
        options["ssl"] = nginx_proxy.client_tls()
    honest = SimulatedRecorder(
        target.ws_url, target.origin, creds[-1], tab="honest", seed=1, connect_options=options
    )
    peak, peak_all = [rss_mb(pid)], [0.0]
    tree_cpus: dict[int, float] = {}  # pid -> CPU seconds at its last sample (workers may come and go)

    async def sample() -> None:
        while True:
            kids = children(pid)
            peak.append(rss_mb(pid))
            peak_all.append(peak[-1] + sum(rss_mb(c) for c in kids))
            for p in [pid, *kids]:
                with contextlib.suppress(OSError):
                    tree_cpus[p] = cpu_seconds(p)
            await asyncio.sleep(0.2)

    await asyncio.sleep(0.5)
    before = {p: cpu_seconds(p) for p in [pid, *children(pid)]}
    sampler = asyncio.create_task(sample())
    started = time.monotonic()
    child, out = None, multiprocessing.Queue()
    if attack_name != "baseline":
        attack_options = attack_target.options(ATTACKER_ADDR)
        if attack_target.proxy is not None:
            attack_options["insecure_tls"] = True
        child = multiprocessing.Process(
            target=attack_process,
            args=(
                attack_name,
                attack_target.ws_url,
                attack_target.origin,
                creds[:-1],
                attack_options,
                args.seconds + 3,
                ATTACKER_CPUS if args.pin else None,
                out,
            ),
        )
        child.start()
        await asyncio.sleep(2.0)  # the attack is under way before the customer starts
    stats = await honest.run(args.seconds)
    attack = {"frames": 0, "closes": {}, "handshakes_refused": 0, "cpu_s": 0}
    if child:
        try:
            attack = await asyncio.to_thread(out.get, True, 60)
        except queue.Empty:  # the attack process died: say so instead of losing the run
            attack = {**attack, "crashed": child.exitcode}
        child.join(10)
    sampler.cancel()
    elapsed = time.monotonic() - started
    acks = stats.ack_ms
    if args.timeline:
        timeline = [
            [round(at - stats.ack_at[0], 2), round(ms, 1)] for at, ms in zip(stats.ack_at, acks, strict=True)
        ]
        (ROOT / "var" / f"bench-abuse-{attack_name}-timeline.json").write_text(json.dumps(timeline))
    return {
        "attack": attack_name,
        "honest_acks": f"{stats.batches_acked}/{stats.batches_sent}",
        "honest_ack_p50_ms": round(statistics.median(acks), 1) if acks else None,
        "honest_ack_p99_ms": round(percentile(acks, 99), 1),
        "honest_ack_max_ms": round(max(acks), 1) if acks else None,
        "honest_snapshot_ack_ms": [round(v) for v in stats.snapshot_ack_ms],
        # Batches sent after the customer's own snapshot was acked: the ones before it wait behind it
        # on the same socket (frames of a socket are handled in order), whatever the attack does.
        "honest_ack_p99_after_snapshot_ms": round(
            percentile(
                [ms for at, ms in zip(stats.ack_at, acks, strict=True) if at >= stats.snapshot_acked_wall], 99
            ),
            1,
        ),
        "honest_closed_with": stats.closed_with,
        "honest_error": stats.error,
        "attack_frames": attack["frames"],
        "attack_closes": attack["closes"],
        "attack_handshakes_refused": attack["handshakes_refused"],
        "attack_crashed_with": attack.get("crashed"),
        "attacker_cpu_s": attack["cpu_s"],
        "daphne_cpu_pct": round(100 * (cpu_seconds(pid) - before[pid]) / elapsed),
        "daphne_with_workers_cpu_pct": round(
            100 * sum(cpu - before.get(p, 0.0) for p, cpu in tree_cpus.items()) / elapsed
        ),
        "daphne_peak_rss_mb": round(max(peak)),
        "daphne_with_workers_peak_rss_mb": round(max(peak_all)),
        "load_avg_1m_after": round(os.getloadavg()[0], 1),
    }


async def warm(pid: int, command: list[str], workers: int) -> None:
    """A long-lived daphne has its validation workers running (its first ingest socket starts them):
    measure that steady state, not a customer racing the workers' start-up."""
    from websockets.asyncio.client import connect

    port = command[command.index("-p") + 1]
    with contextlib.suppress(Exception):
        async with connect(f"ws://127.0.0.1:{port}/ws/ingest/", origin=f"http://127.0.0.1:{port}"):
            pass
    deadline = time.monotonic() + 60
    while workers and len(children(pid)) < workers + 1 and time.monotonic() < deadline:  # + tracker
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)


def run_one(attack: str, args, redis_url: str) -> dict:
    """One attack against a fresh daphne (and a fresh nginx in front of it with --via-nginx); with
    --control the attack goes to a second daphne instead, so what is left of the honest customer's
    latency is the machine's load, not the server's handling."""
    import redis

    port, attack_port = free_port(), free_port()
    creds = prepare(40, port)
    redis.Redis.from_url(redis_url).flushdb()
    origins = f"http://127.0.0.1:{port},http://127.0.0.1:{attack_port}"
    env = bench_env(
        "bench-abuse.sqlite3",
        redis_url,
        SUPPORTREPLAY_SESSION_MAX_BYTES=str(QUOTA),
        SUPPORTREPLAY_ALLOWED_ORIGINS=origins,
        **({"TRUSTED_PROXIES": "127.0.0.1"} if args.via_nginx else {}),
        **dict(args.env or []),
    )
    if "SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP" not in dict(args.env or []):
        del env["SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP"]  # the product's default: attackers share 127.0.0.1
    log = (ROOT / "var" / "bench-abuse-daphne.log").open("ab")
    profile = str(ROOT / "var" / f"bench-abuse-{attack}.prof") if args.profile else ""
    procs = [spawn_daphne(port, env, stdout=log, profile=profile)]
    if args.control:
        procs.append(spawn_daphne(attack_port, env, stdout=log))
    proxies = []
    try:
        for proc in procs:
            asyncio.run(warm(proc.pid, proc.args, int(env.get("SUPPORTREPLAY_VALIDATION_PROCESSES", 2))))
        origin = f"http://127.0.0.1:{port}"
        target = Target(f"ws://127.0.0.1:{port}", origin)
        attack_target = Target(f"ws://127.0.0.1:{attack_port}", origin) if args.control else target
        if args.via_nginx:
            proxies = [nginx_proxy.start([p]) for p in ([port, attack_port] if args.control else [port])]
            target = Target(proxies[0].ws_url(), origin, proxies[0])
            attack_target = Target(proxies[-1].ws_url(), origin, proxies[-1])
        result = asyncio.run(measure(attack, target, attack_target, creds, args, procs[0].pid))
        result["control_attack_on_other_daphne"] = bool(args.control)
        result["via_nginx"] = bool(args.via_nginx)
        result["pinned"] = bool(args.pin)
        result["redis_clients_after"] = redis.Redis.from_url(redis_url).info("clients")["connected_clients"]
        return result
    finally:
        for proxy in proxies:
            proxy.stop()
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attacks", nargs="+", default=ATTACKS, choices=ATTACKS)
    parser.add_argument("--seconds", type=float, default=20, help="how long the honest customer streams")
    parser.add_argument("--control", action="store_true", help="attack a second daphne (load control)")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="attacker process on CPU 0; daphne, Redis, nginx and the customer on CPU 1 (needs 2 CPUs)",
    )
    parser.add_argument(
        "--via-nginx", action="store_true", help="the deploy nginx (TLS, per-IP limits) in front of daphne"
    )
    parser.add_argument("--timeline", action="store_true", help="var/bench-abuse-<attack>-timeline.json")
    parser.add_argument("--profile", action="store_true", help="cProfile daphne into var/bench-abuse-*.prof")
    parser.add_argument("--env", nargs=2, action="append", metavar=("NAME", "VALUE"), help="daphne setting")
    args = parser.parse_args()
    if args.pin:
        if len(os.sched_getaffinity(0)) < 2:
            parser.error("--pin needs 2 CPUs")
        # Everything this process starts (Redis, daphne, nginx) inherits the server's CPU; the attack
        # process moves itself to the other one.
        os.sched_setaffinity(0, SERVER_CPUS)
    url, redis_proc = localredis.start_private()
    redis_url = url.rsplit("/", 1)[0] + "/0"
    os.environ.update(bench_env("bench-abuse.sqlite3", redis_url))
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    try:
        start = {"load_avg_at_start": os.getloadavg(), "cpus": os.cpu_count(), "pinned": args.pin}
        print(json.dumps(start), flush=True)
        for attack in args.attacks:
            print(json.dumps(run_one(attack, args, redis_url)), flush=True)
    finally:
        redis_proc.terminate()
        redis_proc.wait(10)


if __name__ == "__main__":
    main()
