"""A realistic, seeded stream of rrweb events for load: a 200-500 KB full snapshot, then ~20 events/s.

`full_snapshot_batch` is a Meta + Full snapshot of about `target_kb` KB of msgpack (built once per process
and size, so a client process can drive hundreds of recorders); `EventMix.batch` is the next 250 ms of
mouse moves, DOM mutations, masked input, scrolls, a click now and then, console output every ~2 s and a
network request every ~3 s (one in ten failing, one console line in five an error).
"""

from __future__ import annotations

import random
from functools import cache

import msgpack

WORDS = [
    "cart",
    "checkout",
    "order",
    "shipping",
    "total",
    "discount",
    "coupon",
    "address",
    "billing",
    "product",
    "review",
    "size",
    "colour",
]


def _element(rng: random.Random, next_id: list[int], depth: int, budget: list[int]) -> dict:
    node_id = next_id[0] = next_id[0] + 1
    tag = rng.choice(["div", "section", "li", "span", "a", "p", "button", "ul"])
    attrs = {"class": " ".join(rng.choices(WORDS, k=3)), "data-testid": f"{tag}-{node_id}"}
    if tag == "a":
        attrs["href"] = f"/shop/{rng.choice(WORDS)}/{node_id}"
    children: list[dict] = []
    if depth < 12 and budget[0] > 0:
        for _ in range(rng.randint(1, 4)):
            if budget[0] <= 0:
                break
            budget[0] -= 1
            if rng.random() < 0.45:
                next_id[0] += 1
                text = " ".join(rng.choices(WORDS, k=rng.randint(2, 12)))
                children.append({"type": 3, "textContent": text, "id": next_id[0]})
            else:
                children.append(_element(rng, next_id, depth + 1, budget))
    return {"type": 2, "tagName": tag, "attributes": attrs, "childNodes": children, "id": node_id}


@cache
def snapshot_template(target_kb: int, seed: int = 1) -> tuple[dict, int]:
    """A Full-snapshot event of about `target_kb` KB of msgpack, and its highest node id."""
    rng = random.Random(seed)
    next_id = [3]
    body = {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [], "id": 3}
    while len(msgpack.packb(body)) < target_kb * 1024:
        body["childNodes"].append(_element(rng, next_id, 0, [200]))
    html = {"type": 2, "tagName": "html", "attributes": {"lang": "en"}, "childNodes": [body], "id": 2}
    node = {"type": 0, "childNodes": [html], "id": 1}
    return {"type": 2, "data": {"node": node, "initialOffset": {"left": 0, "top": 0}}}, next_id[0]


def full_snapshot_batch(url: str, target_kb: int, ts: int) -> list[dict]:
    snapshot, _ = snapshot_template(target_kb)
    meta = {"type": 4, "data": {"href": url, "width": 1280, "height": 800}, "timestamp": ts}
    return [meta, {**snapshot, "timestamp": ts}]


class EventMix:
    """The incremental events of one recorder: ~20 events/s in 250 ms batches."""

    def __init__(self, rng: random.Random, max_id: int, url: str) -> None:
        self.rng, self.max_id, self.url, self.tick = rng, max_id, url, 0

    def batch(self, ts: int) -> list[dict]:
        rng, self.tick = self.rng, self.tick + 1
        node = rng.randint(4, self.max_id)
        x, y = rng.randint(0, 1280), rng.randint(0, 800)
        positions = [{"x": x + i, "y": y + i, "id": node, "timeOffset": -40 * i} for i in range(4)]
        events = [
            {"type": 3, "data": {"source": 1, "positions": positions}, "timestamp": ts},
            {"type": 3, "data": {"source": 1, "positions": positions[:2]}, "timestamp": ts},
            {
                "type": 3,
                "data": {
                    "source": 0,
                    "texts": [{"id": node, "value": " ".join(rng.choices(WORDS, k=3))}],
                    "attributes": [{"id": node, "attributes": {"class": rng.choice(WORDS)}}],
                    "removes": [],
                    "adds": [],
                },
                "timestamp": ts,
            },
            {
                "type": 3,
                "data": {"source": 5, "text": "*" * rng.randint(1, 12), "isChecked": False, "id": node},
                "timestamp": ts,
            },
            {"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": rng.randint(0, 3000)}, "timestamp": ts},
        ]
        if self.tick % 4 == 0:
            events.append(
                {"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": ts}
            )
        if self.tick % 8 == 0:
            level = "error" if self.tick % 40 == 0 else "log"
            payload = {
                "level": level,
                "payload": [f'"{rng.choice(WORDS)} updated"'],
                "trace": ["app.js:120:7"],
            }
            events.append(
                {"type": 6, "data": {"plugin": "rrweb/console@1", "payload": payload}, "timestamp": ts}
            )
        if self.tick % 12 == 0:
            status = 500 if self.tick % 120 == 0 else 200
            request = {
                "url": f"{self.url}api/{rng.choice(WORDS)}",
                "method": "GET",
                "status": status,
                "initiatorType": "fetch",
                "startTime": 1000.0 + self.tick,
                "endTime": 1080.0 + self.tick,
                "requestHeaders": {"accept": "application/json"},
                "responseHeaders": {"content-type": "application/json"},
            }
            events.append(
                {
                    "type": 6,
                    "data": {"plugin": "rrweb/network@1", "payload": {"requests": [request]}},
                    "timestamp": ts,
                }
            )
        return events
