"""Recorder overhead: what recording costs the customer's page, and what it sends.

Runs a real daphne (the local settings: `var/db.sqlite3`, the local Redis) and headless Chromium on
`/demo/stress`, a mutation-heavy page, with and without the recorder, and reports:
- Total Blocking Time (sum over long tasks of the time beyond 50 ms) of each run, and the increase;
- bytes the recorder sent per minute, and bytes stored in Redis per minute;
- loader and recorder bundle sizes, raw and gzipped.

    .venv/bin/python bench/recorder_overhead.py [--seconds 20] [--rounds 3] [--port 8190]

Needs `npm run build` and a migrated local database (`make run` does both). The sessions it creates are
deleted afterwards, with their Redis keys.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportreplay.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench._stack import spawn_daphne  # noqa: E402
from sessions import keys  # noqa: E402
from sessions.models import RecordingSession  # noqa: E402
from supportreplay.redis_client import get_redis  # noqa: E402
from tests.helpers.browser import make_driver  # noqa: E402
from tests.sessions.factories import make_session  # noqa: E402

BUNDLES = ["static/recorder/loader.js", "static/recorder/recorder.js"]


def sizes() -> dict[str, tuple[int, int]]:
    out = {}
    for name in BUNDLES:
        data = (ROOT / name).read_bytes()
        out[name] = (len(data), len(gzip.compress(data, compresslevel=9)))
    return out


def new_session(target: str) -> tuple[RecordingSession, str]:
    agent, _ = get_user_model().objects.get_or_create(username="bench-agent")
    live = make_session(target, agent=agent, note="recorder overhead benchmark")
    return live.session, live.credential


def drop_session(session: RecordingSession) -> None:
    get_redis().delete(*keys.all_keys(session.id))
    link = session.link
    session.delete()
    link.delete()


def stream_bytes(session: RecordingSession) -> int:
    return sum(len(fields[b"ev"]) for _, fields in get_redis().xrange(keys.events(session.id)))


def run_once(base: str, query: str, seconds: int, credential: str | None) -> dict:
    driver = make_driver()
    try:
        url = f"{base}/demo/stress?{query}" + (f"#sr={credential}" if credential else "")
        driver.get(url)
        deadline = time.monotonic() + seconds + 30
        while not driver.execute_script("return window.__bench && window.__bench.done"):
            if time.monotonic() > deadline:
                raise SystemExit("benchmark page did not finish")
            time.sleep(0.2)
        result = driver.execute_script("return window.__bench")
        stats = driver.execute_script("return window.__sr && window.__sr.stats") if credential else None
        if credential and not stats:
            raise SystemExit("the recorder did not start (is the bundle built? is Redis up?)")
        result["sent_bytes"] = stats["bytes"] if stats else 0
        result["batches"] = stats["batches"] if stats else 0
        time.sleep(0.5)  # last acks
        return result
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--cols", type=int, default=12)
    parser.add_argument("--interval", type=int, default=250, help="ms between bursts")
    parser.add_argument("--work", type=int, default=60, help="ms of script work per burst")
    parser.add_argument("--changes", type=int, default=100, help="cells changed per burst")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    base = f"http://127.0.0.1:{args.port}"
    query = (
        f"seconds={args.seconds}&rows={args.rows}&cols={args.cols}&interval={args.interval}"
        f"&work={args.work}&changes={args.changes}"
    )
    daphne = spawn_daphne(
        args.port, {**os.environ, "DJANGO_SETTINGS_MODULE": "supportreplay.settings", "LOG_LEVEL": "WARNING"}
    )
    baseline, recorded = [], []
    try:
        for _ in range(args.rounds):
            baseline.append(run_once(base, query, args.seconds, None))
            session, credential = new_session(f"{base}/demo/stress")
            try:
                result = run_once(base, query, args.seconds, credential)
                result["stored_bytes"] = stream_bytes(session)
                recorded.append(result)
            finally:
                drop_session(session)
    finally:
        daphne.terminate()
        daphne.wait(10)

    def median(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    minutes = median(recorded, "elapsedMs") / 60000
    tbt_off, tbt_on = median(baseline, "tbt"), median(recorded, "tbt")
    workload = f"{args.rows}x{args.cols} cells, every {args.interval} ms: {args.work} ms work"
    workload += f" + {args.changes} cell changes"
    print(f"workload: {workload}, {args.seconds} s, {args.rounds} rounds")
    print(f"mutations per run: {median(recorded, 'mutations'):.0f}")
    print(f"TBT without recorder: {tbt_off:.0f} ms  (runs: {[round(r['tbt']) for r in baseline]})")
    print(f"TBT with recorder:    {tbt_on:.0f} ms  (runs: {[round(r['tbt']) for r in recorded]})")
    if tbt_off:
        print(f"TBT increase: {100 * (tbt_on - tbt_off) / tbt_off:+.1f} %")
    task_off = statistics.median(ms for r in baseline for ms in r["taskMs"])
    task_on = statistics.median(ms for r in recorded for ms in r["taskMs"])
    print(
        f"burst task (median): {task_off:.1f} ms without, {task_on:.1f} ms with, {task_on - task_off:+.1f} ms"
    )
    sent = median(recorded, "sent_bytes") / minutes / 1024
    print(f"sent: {sent:.0f} KiB/min in {median(recorded, 'batches') / minutes:.0f} batches/min")
    print(f"stored in Redis: {median(recorded, 'stored_bytes') / minutes / 1024:.0f} KiB/min")
    for name, (raw, gz) in sizes().items():
        print(f"{name}: {raw / 1024:.1f} KiB raw, {gz / 1024:.2f} KiB gzipped ({gz} bytes)")


if __name__ == "__main__":
    main()
