"""Canvas recording cost: main-thread time and bytes of a page whose canvas chart redraws every frame.

Three runs of `--seconds` on /demo/fidelity?animate=1 in headless Chromium: without the recorder, with
the recorder (canvas sampled at 2 fps, the default), and with the recorder on a "mask all text" link
(canvas recording off). Reports the page's main-thread task time per second (CDP Performance
TaskDuration) and the bytes stored in Redis per second.

    .venv/bin/python bench/canvas_cost.py [--seconds 15] [--redis redis://127.0.0.1:6379/5]

Own SQLite file (var/bench-canvas.sqlite3), Redis DB 5 (FLUSHDB'd). Needs `npm run build`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._stack import bench_env, free_port, spawn_daphne  # noqa: E402


def task_seconds(driver) -> float:
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def run(base: str, seconds: int, credential: str | None) -> float:
    from tests.helpers.browser import make_driver

    driver = make_driver(1280, 900)
    try:
        driver.execute_cdp_cmd("Performance.enable", {})
        driver.get(f"{base}/demo/fidelity?animate=1" + (f"#sr={credential}" if credential else ""))
        if credential:
            deadline = time.monotonic() + 20
            while not driver.execute_script(
                "return !!(window.__sr && window.__sr.stats && window.__sr.stats.batches)"
            ):
                if time.monotonic() > deadline:
                    raise SystemExit("the recorder did not start")
                time.sleep(0.2)
        time.sleep(1)
        start = task_seconds(driver)
        time.sleep(seconds)
        return (task_seconds(driver) - start) / seconds
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bench_env("bench-canvas.sqlite3", args.redis)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from sessions import keys
    from supportreplay.redis_client import get_redis
    from tests.sessions.factories import make_session

    call_command("migrate", verbosity=0)
    redis = get_redis()
    redis.flushdb()
    daphne = spawn_daphne(port, env)
    rows = []
    try:
        rows.append(("no recorder", run(base, args.seconds, None), None))
        for label, fields in (
            ("recorder, canvas at 2 fps", {}),
            ("recorder, mask all text (no canvas)", {"mask_all_text": True}),
        ):
            session = make_session(f"{base}/demo/fidelity", **fields)
            cpu = run(base, args.seconds, session.credential)
            stored = sum(len(f[b"ev"]) for _, f in redis.xrange(keys.events(session.id)))
            rows.append((label, cpu, stored / (args.seconds + 1)))
    finally:
        daphne.terminate()
        daphne.wait(10)
    for label, cpu, rate in rows:
        stored = f"{rate / 1024:8.1f} KB/s stored" if rate is not None else ""
        print(f"{label:38} main thread {cpu * 1000:6.0f} ms/s  {stored}")


if __name__ == "__main__":
    main()
