"""Summary benchmark: the time summarize() and find_rage_clicks() take as the number of clicks grows.

    .venv/bin/python bench/summary.py [--clicks 10000 30000 100000 300000]

Pure CPU, no Redis or database. Three click layouts per size: bursts of 3 on one button (real rage
clicks), every click at one instant all over the page (the worst case of the old O(n^2) search), and
every click at one instant on one spot. Linear work shows as a constant time per click.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportreplay.settings")

import django  # noqa: E402

django.setup()

from sessions.archive.chunking import Batch  # noqa: E402
from sessions.summary import find_rage_clicks, summarize  # noqa: E402

T0 = 1_763_800_000_000


def layouts(n: int) -> dict[str, list[tuple[int, object, float, float]]]:
    return {
        "bursts of 3": [(T0 + (i // 3) * 2000 + (i % 3) * 100, 8, 100.0, 100.0) for i in range(n)],
        "one instant, spread": [(T0, None, float(i % 300) * 50, float(i // 300) * 50) for i in range(n)],
        "one instant, one spot": [(T0, 8, 100.0, 100.0) for _ in range(n)],
    }


def as_batches(clicks) -> list[Batch]:
    events = [
        {"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": ts}
        for ts, node, x, y in clicks
    ]
    return [Batch("t", n, T0 + n, events[i : i + 2000]) for n, i in enumerate(range(0, len(events), 2000))]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, nargs="+", default=[10_000, 30_000, 100_000, 300_000])
    args = parser.parse_args()
    print("| clicks | layout | find_rage_clicks | µs per click | summarize (whole session) |")
    print("|---:|---|---:|---:|---:|")
    for n in args.clicks:
        for name, clicks in layouts(n).items():
            rage = timed(lambda c=clicks: find_rage_clicks(c))
            batches = as_batches(clicks)
            whole = timed(lambda b=batches: summarize(b))
            print(f"| {n:,} | {name} | {rage:.3f} s | {rage / n * 1e6:.1f} | {whole:.3f} s |")


if __name__ == "__main__":
    main()
