"""Abuse benchmark: an honest customer streams next to each attack of issue #12; is it still served?

    .venv/bin/python bench/abuse.py --seconds 20

For each attack it starts a fresh daphne on a free port (own SQLite file var/bench-abuse.sqlite3, a
private redis-server on a free port, so nothing shared is filled or flushed), then runs one honest
`bench/_clients.SimulatedRecorder` (a 200-500 KB full snapshot, then a batch every 250 ms) for --seconds
while the attack runs, and reports the honest customer's ack p50/p99 (incremental batches), whether it
was ever closed, how many batches were lost, and daphne's CPU and peak RSS. Attacks:

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
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import msgpack
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import localredis  # noqa: E402

from bench._stack import bench_env, cpu_seconds, free_port, spawn_daphne  # noqa: E402

ATTACKS = ["baseline", "unauth", "hellos", "parts", "quota"]
T_NOW = lambda: int(time.time() * 1000)  # noqa: E731
QUOTA = 32 * 1024 * 1024


def pack(obj) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


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
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Attack:
    def __init__(self, ws_url: str, origin: str, creds: list[str]) -> None:
        self.ws_url, self.origin, self.creds = f"{ws_url}/ws/ingest/", origin, creds
        self.closes: dict[int, int] = {}
        self.frames = 0

    def closed(self, code: int) -> None:
        self.closes[code] = self.closes.get(code, 0) + 1

    def socket(self):
        return connect(self.ws_url, origin=self.origin, open_timeout=30, max_size=None, ping_interval=None)

    async def hello(self, ws, cred: str, tab: str) -> bool:
        await ws.send(pack({"t": "hello", "cred": cred, "tab": tab, "page": 0}))
        answer = msgpack.unpackb(await asyncio.wait_for(ws.recv(), 30), raw=False)
        return answer.get("t") == "ready"

    async def until_closed(self, ws) -> None:
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass
        self.closed(ws.close_code or 1006)

    # --- the attacks ---------------------------------------------------------------------------------

    async def unauth(self, stop: float) -> None:
        nested = {"type": 3, "timestamp": 1, "data": {"a": [{}] * 999_900}}
        frame = pack({"t": "events", "seq": 0, "events": [nested]})

        async def one() -> None:
            while time.monotonic() < stop:
                started = time.monotonic()
                with contextlib.suppress(OSError, InvalidStatus, TimeoutError):
                    async with self.socket() as ws:
                        await ws.send(frame)
                        self.frames += 1
                        await self.until_closed(ws)
                await asyncio.sleep(max(0.0, started + 1.0 - time.monotonic()))  # 1 MB/s each

        await asyncio.gather(*(one() for _ in range(4)))

    async def hellos(self, stop: float) -> None:
        async def one(cred: str, tab: str) -> None:
            try:
                async with self.socket() as ws:
                    self.frames += 1
                    if await self.hello(ws, cred, tab):
                        await asyncio.sleep(1.0)  # hold it open while the rest of the wave arrives
                        self.closed(1000)
            except ConnectionClosed as exc:
                self.closed(exc.rcvd.code if exc.rcvd else 1006)
            except (OSError, InvalidStatus, TimeoutError):
                self.closed(-1)  # could not even connect

        while time.monotonic() < stop:
            wave = [one(self.creds[0], f"h{i}") for i in range(200)]
            wave += [one(cred, "h") for cred in self.creds[1:31]]
            await asyncio.gather(*wave)

    async def parts(self, stop: float) -> None:
        chunk = secrets.token_bytes(512 * 1024)

        async def one(cred: str, tab: str) -> None:
            seq = 0
            while time.monotonic() < stop:
                with contextlib.suppress(OSError, InvalidStatus, TimeoutError):
                    async with self.socket() as ws:
                        if not await self.hello(ws, cred, tab):
                            return
                        reader = asyncio.create_task(self.until_closed(ws))
                        with contextlib.suppress(ConnectionClosed):
                            for i in range(31):  # of 32: never complete
                                part = {"t": "part", "seq": seq, "i": i, "n": 32, "data": chunk}
                                await ws.send(pack(part))
                                self.frames += 1
                                await asyncio.sleep(0.3)  # within the 2 MiB/s socket rate
                            await reader
                        seq += 1

        await asyncio.gather(*(one(cred, "p") for cred in self.creds[:8]))

    async def quota(self, stop: float) -> None:
        """Issue #12 finding 4: one credential, 16 sockets each at the per-socket rate, reconnecting."""
        cred = self.creds[0]

        async def one(tab: str) -> None:
            seq = 0
            while time.monotonic() < stop:
                with contextlib.suppress(OSError, InvalidStatus, TimeoutError, ConnectionClosed):
                    async with self.socket() as ws:
                        if await self.hello(ws, cred, tab):
                            reader = asyncio.create_task(self.until_closed(ws))
                            while time.monotonic() < stop and not reader.done():
                                text = secrets.token_urlsafe(380_000)  # ~512 KB, incompressible
                                data = {"plugin": "x", "payload": {"t": text}}
                                event = {"type": 6, "timestamp": T_NOW(), "data": data}
                                await ws.send(pack({"t": "events", "seq": seq, "events": [event]}))
                                self.frames += 1
                                seq += 1
                                await asyncio.sleep(0.26)  # ~2 MB/s: the per-socket rate
                            reader.cancel()
                await asyncio.sleep(0.2)

        await asyncio.gather(*(one(f"q{i}") for i in range(16)))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def attack_process(name: str, port: int, creds: list[str], stop_in: float, out) -> None:
    """Run one attack in its own process (its own event loop and CPU share), so the attacker's own
    work never shows up in the honest customer's latencies."""
    attack = Attack(f"ws://127.0.0.1:{port}", f"http://127.0.0.1:{port}", creds)
    stop = time.monotonic() + stop_in

    async def main() -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(getattr(attack, name)(stop), stop_in + 40)

    cpu = time.process_time()
    asyncio.run(main())
    closes = {str(k): v for k, v in sorted(attack.closes.items())}
    out.put({"frames": attack.frames, "closes": closes, "cpu_s": round(time.process_time() - cpu, 1)})


async def measure(
    attack_name: str, port: int, creds: list[str], seconds: float, pid: int, attack_port: int
) -> dict:
    from bench._clients import SimulatedRecorder

    origin = f"http://127.0.0.1:{port}"
    honest = SimulatedRecorder(f"ws://127.0.0.1:{port}", origin, creds[-1], tab="honest", seed=1)
    peak = [rss_mb(pid)]

    async def sample() -> None:
        while True:
            peak.append(rss_mb(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    cpu_before, started = cpu_seconds(pid), time.monotonic()
    child, out = None, multiprocessing.Queue()
    if attack_name != "baseline":
        child = multiprocessing.Process(
            target=attack_process, args=(attack_name, attack_port, creds[:-1], seconds + 3, out)
        )
        child.start()
        await asyncio.sleep(2.0)  # the attack is under way before the customer starts
    stats = await honest.run(seconds)
    attack = {"frames": 0, "closes": {}, "cpu_s": 0}
    if child:
        attack = await asyncio.to_thread(out.get, True, 60)
        child.join(10)
    sampler.cancel()
    elapsed = time.monotonic() - started
    acks = stats.ack_ms
    return {
        "attack": attack_name,
        "honest_batches_sent": stats.batches_sent,
        "honest_batches_acked": stats.batches_acked,
        "honest_ack_p50_ms": round(statistics.median(acks), 1) if acks else None,
        "honest_ack_p99_ms": round(percentile(acks, 99), 1),
        "honest_ack_max_ms": round(max(acks), 1) if acks else None,
        "honest_snapshot_ack_ms": [round(v) for v in stats.snapshot_ack_ms],
        "honest_closed_with": stats.closed_with,
        "honest_error": stats.error,
        "attack_frames": attack["frames"],
        "attack_closes": attack["closes"],
        "attacker_cpu_s": attack["cpu_s"],
        "daphne_cpu_pct": round(100 * (cpu_seconds(pid) - cpu_before) / elapsed),
        "daphne_peak_rss_mb": round(max(peak)),
    }


def run_one(attack: str, args, redis_url: str) -> dict:
    """One attack against a fresh daphne; with --control the attack goes to a second daphne instead, so
    what is left of the honest customer's latency is the machine's load, not the server's handling."""
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
        **dict(args.env or []),
    )
    log = (ROOT / "var" / "bench-abuse-daphne.log").open("ab")
    profile = str(ROOT / "var" / f"bench-abuse-{attack}.prof") if args.profile else ""
    procs = [spawn_daphne(port, env, stdout=log, profile=profile)]
    if args.control:
        procs.append(spawn_daphne(attack_port, env, stdout=log))
    try:
        target = attack_port if args.control else port
        result = asyncio.run(measure(attack, port, creds, args.seconds, procs[0].pid, target))
        result["control_attack_on_other_daphne"] = bool(args.control)
        result["redis_clients_after"] = redis.Redis.from_url(redis_url).info("clients")["connected_clients"]
        return result
    finally:
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
    parser.add_argument("--profile", action="store_true", help="cProfile daphne into var/bench-abuse-*.prof")
    parser.add_argument("--env", nargs=2, action="append", metavar=("NAME", "VALUE"), help="daphne setting")
    args = parser.parse_args()
    url, redis_proc = localredis.start_private()
    redis_url = url.rsplit("/", 1)[0] + "/0"
    os.environ.update(bench_env("bench-abuse.sqlite3", redis_url))
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    try:
        print(json.dumps({"load_avg_at_start": os.getloadavg(), "cpus": os.cpu_count()}), flush=True)
        for attack in args.attacks:
            print(json.dumps(run_one(attack, args, redis_url)), flush=True)
    finally:
        redis_proc.terminate()
        redis_proc.wait(10)


if __name__ == "__main__":
    main()
