"""Repro steps on a big page: how long deriving steps takes as the recorded DOM and the steps grow.

    .venv/bin/python bench/repro_steps.py

A product list of N cards (heading, text, "Add to cart" button, labelled quantity field: 6 elements each),
then S clicks and S inputs; with `--mutate` every step is preceded by a mutation, so each step rebuilds the
DOM index (the worst case). Prints seconds and milliseconds per step. Pure: no Redis, no database.

    .venv/bin/python bench/repro_steps.py --archive-pass 30 180

What walking the steps adds to the archive pass (sessions.archive.service.build, which stores them in the
summary): CPU seconds of the pass with and without the walk on the recorded SPA (bench/fixtures, repeated
to the minutes asked), median of 3.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportreplay.settings")

import django

django.setup()

from sessions.repro.steps import walk  # noqa: E402
from tests.sessions.repro.dom_factory import T0, batches, click, el, meta, mutation, snapshot, typed  # noqa: E402


def session(cards: int, steps: int, mutate: bool) -> list:
    rows, targets = [], []
    for i in range(cards):
        button, field = el("button", {}, "Add to cart"), el("input", {"id": f"q{i}"})
        title = el("h3", {}, f"Product {i}")
        rows.append(
            el("li", {}, title, el("p", {}, "desc"), button, el("label", {"for": f"q{i}"}, f"Qty {i}"), field)
        )
        targets.append((button, field, title))
    events = [meta(T0, "https://shop.example/"), snapshot(T0, el("ul", {}, *rows))]
    for n in range(steps):
        button, field, title = targets[n * 7 % cards]
        if mutate:
            events.append(
                mutation(T0 + 1000 * n, attributes=[{"id": title["id"], "attributes": {"class": str(n)}}])
            )
        events += [click(T0 + 1000 * n + 1, button), typed(T0 + 1000 * n + 500, field)]
    return batches(*events)


class _NoSteps:
    walking = False

    def add(self, batch) -> None:
        pass

    def store(self, summary, start_ts) -> None:
        pass


def archive_pass(minutes_list: list[int]) -> None:
    import io
    import statistics

    from sessions.archive import service

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from spa_fixture import load, stretched

    recording = load(Path(__file__).resolve().parent / "fixtures" / "swagger-ui.msgpack.zst")
    with_steps = service.ArchiveSteps
    print("| minutes | archive pass CPU s, no steps | with steps | steps stored |")
    print("|---:|---:|---:|---:|")
    for minutes in minutes_list:
        cpu = {}
        for label, steps_class in (("without", _NoSteps), ("with", with_steps)):
            service.ArchiveSteps = steps_class
            runs = []
            for _ in range(3):
                started = time.process_time()
                built = service.build(stretched(recording, minutes), io.BytesIO())
                runs.append(time.process_time() - started)
            cpu[label] = statistics.median(runs)
        service.ArchiveSteps = with_steps
        count = len(built.summary.get("repro_steps", {}).get("steps", []))
        print(f"| {minutes} | {cpu['without']:.2f} | {cpu['with']:.2f} | {count} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--archive-pass", type=int, nargs="+", metavar="MINUTES")
    args = parser.parse_args()
    if args.archive_pass:
        archive_pass(args.archive_pass)
        return
    print("| elements | steps | mutation before each step | seconds | ms per step |")
    print("|---:|---:|---|---:|---:|")
    for cards in args.cards:
        for mutate in (False, True):
            stored = session(cards, args.steps, mutate)
            started = time.perf_counter()
            result = walk(stored)
            elapsed = time.perf_counter() - started
            count = len(result.steps)
            per_step = elapsed / count * 1000
            print(
                f"| {cards * 6:,} | {count} | {'yes' if mutate else 'no'} | {elapsed:.2f} | {per_step:.1f} |"
            )


if __name__ == "__main__":
    main()
