"""A long single-page-app session, generated batch by batch (never held whole): a checkout every minute
whose snapshot carries the same ~200 KB stylesheet and a page of its own, and four small batches a second.
Deterministic, so a test can generate it again to compare with what the archive gives back."""

from __future__ import annotations

import random
from collections.abc import Iterator

from tests.support.events import T0, full_snapshot_event, meta_event, mouse_move_event, text_change

BATCHES_PER_SECOND = 4


def stylesheet(seed: int = 7, rules: int = 5000) -> str:
    rng = random.Random(seed)
    return "".join(
        f".c{n} .k{rng.randrange(999)}{{color:#{rng.randrange(16**6):06x};padding:{n % 40}px}}"
        for n in range(rules)
    )


def snapshot(ts: int, css: str, minute: int) -> dict:
    event = full_snapshot_event(ts, text=f"Orders at minute {minute}")
    head = event["data"]["node"]["childNodes"][1]["childNodes"][0]
    head["childNodes"] = [
        {"type": 2, "tagName": "style", "attributes": {"_cssText": css}, "id": 90, "childNodes": []}
    ]
    body = event["data"]["node"]["childNodes"][1]["childNodes"][1]
    rng = random.Random(minute)
    body["childNodes"] += [
        {
            "type": 2,
            "tagName": "li",
            "attributes": {"class": f"row r{n}"},
            "id": 1000 + n,
            "childNodes": [{"type": 3, "textContent": f"Order {rng.randrange(10**8)}", "id": 5000 + n}],
        }
        for n in range(400)
    ]
    return event


def batches(minutes: int) -> Iterator[list[dict]]:
    """Event batches, oldest first: the session's first batch opens the page."""
    css = stylesheet()
    step = 1000 // BATCHES_PER_SECOND
    for minute in range(minutes):
        start = T0 + minute * 60_000
        yield [meta_event(start), snapshot(start, css, minute)]
        for n in range(1, 60 * BATCHES_PER_SECOND):
            ts = start + n * step
            yield [mouse_move_event(ts, n % 700, n % 500), text_change(7, f"Total {minute}.{n}", ts=ts + 5)]
