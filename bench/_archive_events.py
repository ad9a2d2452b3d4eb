"""A synthetic but realistic rrweb session for the archive benchmark (deterministic: seeded).

Mix per minute of an active support session (shaped after rrweb sessions of a shop/SaaS page): a ~700-node
page (about 100 KB of snapshot JSON) re-snapshotted every 5 min (checkout) and on each navigation (every
~8 min), batches every 2 s, mouse-move batches (10 sampled positions) while the pointer moves, scrolls,
small text/attribute mutations, list additions, clicks (mousedown/up/click), masked inputs, console logs,
network requests with headers, web vitals, and an occasional error.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

WORDS = [
    "order",
    "cart",
    "checkout",
    "invoice",
    "shipping",
    "account",
    "settings",
    "billing",
    "plan",
    "upgrade",
    "support",
    "ticket",
    "product",
    "price",
    "total",
    "discount",
    "coupon",
    "address",
    "payment",
    "card",
    "delivery",
    "status",
    "pending",
    "shipped",
    "returned",
    "refund",
    "search",
    "filter",
    "sort",
    "page",
    "next",
    "previous",
    "save",
    "cancel",
    "submit",
    "edit",
    "delete",
    "confirm",
    "help",
    "contact",
    "team",
    "user",
    "profile",
    "notification",
    "message",
    "report",
    "export",
    "import",
    "dashboard",
    "analytics",
    "overview",
    "weekly",
    "monthly",
]
CHECKOUT_MS = 5 * 60_000
NAVIGATE_MS = 8 * 60_000
BATCH_MS = 2000


class Page:
    """A DOM tree with stable ids; mutations refer to its nodes."""

    def __init__(self, rng: random.Random, path: str) -> None:
        self.rng, self.path, self.next_id = rng, path, 1
        self.text_ids: list[int] = []
        self.element_ids: list[int] = []
        self.list_id = 0
        self.tree = self._document()

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _text(self, words: int) -> dict:
        node = {"type": 3, "textContent": " ".join(self.rng.choices(WORDS, k=words)), "id": self._id()}
        self.text_ids.append(node["id"])
        return node

    def _el(self, tag: str, children: list, **attrs: str) -> dict:
        node = {"type": 2, "tagName": tag, "attributes": attrs, "childNodes": children, "id": self._id()}
        self.element_ids.append(node["id"])
        return node

    def row(self) -> dict:
        rng = self.rng
        return self._el(
            "tr",
            [
                self._el("td", [self._text(1)], **{"class": "cell cell-id"}),
                self._el("td", [self._text(rng.randint(2, 6))], **{"class": "cell cell-name"}),
                self._el("td", [self._text(1)], **{"class": "cell cell-status badge"}),
                self._el(
                    "td",
                    [
                        {
                            "type": 3,
                            "textContent": f"${rng.randint(5, 900)}.{rng.randint(10, 99)}",
                            "id": self._id(),
                        }
                    ],
                    **{"class": "cell cell-price"},
                ),
                self._el(
                    "td", [self._el("button", [self._text(1)], **{"class": "btn btn-sm", "type": "button"})]
                ),
            ],
            **{"class": "row", "data-row": str(rng.randint(1, 10**6))},
        )

    def _document(self) -> dict:
        rng = self.rng
        css = "".join(f".c{i}{{margin:{i % 7}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}" for i in range(220))
        head = self._el(
            "head",
            [
                self._el("title", [self._text(3)]),
                self._el("style", [{"type": 3, "textContent": css, "isStyle": True, "id": self._id()}]),
                self._el("meta", [], name="viewport", content="width=device-width, initial-scale=1"),
            ],
        )
        nav = self._el(
            "nav",
            [
                self._el("a", [self._text(1)], href=f"/{w}", **{"class": "nav-link"})
                for w in rng.sample(WORDS, 12)
            ],
            **{"class": "topnav"},
        )
        rows = [self.row() for _ in range(60)]
        table = self._el("table", [self._el("tbody", rows)], **{"class": "table table-striped"})
        self.list_id = table["childNodes"][0]["id"]
        form = self._el(
            "form",
            [
                self._el("label", [self._text(2), self._el("input", [], type="text", name=w, value="")])
                for w in rng.sample(WORDS, 8)
            ],
            **{"class": "form"},
        )
        cards = [
            self._el(
                "div", [self._el("h3", [self._text(3)]), self._el("p", [self._text(25)])], **{"class": "card"}
            )
            for _ in range(16)
        ]
        body = self._el(
            "body",
            [nav, self._el("main", [*cards, table, form]), self._el("footer", [self._text(30)])],
            **{"class": "app"},
        )
        html = self._el("html", [head, body], lang="en")
        return {
            "type": 0,
            "childNodes": [{"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 1}, html],
            "id": 0,
        }


def session_batches(minutes: int, seed: int = 7, start_ms: int = 1_763_800_000_000) -> Iterator[list[dict]]:
    """Event batches (one per BATCH_MS) of a `minutes`-long session."""
    rng = random.Random(seed)
    page = Page(rng, "/orders")
    ts = start_ms
    end = start_ms + minutes * 60_000
    last_snapshot = last_nav = start_ms
    x, y = 400, 300
    target, hover = (x, y), page.element_ids[0]

    def snapshot(at: int) -> list[dict]:
        return [
            {
                "type": 4,
                "data": {"href": f"https://app.example{page.path}", "width": 1440, "height": 900},
                "timestamp": at,
            },
            {"type": 2, "data": {"node": page.tree, "initialOffset": {"left": 0, "top": 0}}, "timestamp": at},
        ]

    first = [
        {
            "type": 5,
            "data": {
                "tag": "sr.env",
                "payload": {
                    "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
                    "browser": "Chrome 131",
                    "os": "Linux",
                    "viewport": "1440x900",
                    "language": "en-US",
                },
            },
            "timestamp": ts,
        },
        *snapshot(ts),
    ]
    yield first
    while ts < end:
        ts += BATCH_MS
        batch: list[dict] = []
        if ts - last_nav >= NAVIGATE_MS:
            page = Page(rng, "/" + rng.choice(WORDS))
            last_nav = last_snapshot = ts
            batch += snapshot(ts)
        elif ts - last_snapshot >= CHECKOUT_MS:
            last_snapshot = ts
            batch += snapshot(ts)
        if rng.random() < 0.6:  # the pointer moves: rrweb samples every 50 ms, flushes every 500 ms
            for k in range(4):
                positions = []
                if rng.random() < 0.3:  # a new target somewhere on the page
                    target = (rng.randint(0, 1440), rng.randint(0, 900))
                    hover = rng.choice(page.element_ids)
                for p in range(10):
                    # Eased movement toward the target, whole CSS pixels, the hovered element changes rarely.
                    x += (target[0] - x) // 4 + rng.randint(-2, 2)
                    y += (target[1] - y) // 4 + rng.randint(-2, 2)
                    if rng.random() < 0.05:
                        hover = rng.choice(page.element_ids)
                    positions.append({"x": x, "y": y, "id": hover, "timeOffset": -450 + p * 50})
                batch.append(
                    {"type": 3, "data": {"source": 1, "positions": positions}, "timestamp": ts + k * 500}
                )
        if rng.random() < 0.25:
            batch.append(
                {
                    "type": 3,
                    "data": {"source": 3, "id": 1, "x": 0, "y": rng.randint(0, 3000)},
                    "timestamp": ts + 100,
                }
            )
        for _ in range(rng.randint(0, 3)):
            batch.append(
                {
                    "type": 3,
                    "data": {
                        "source": 0,
                        "texts": [
                            {"id": rng.choice(page.text_ids), "value": " ".join(rng.choices(WORDS, k=3))}
                        ],
                        "attributes": [
                            {
                                "id": rng.choice(page.element_ids),
                                "attributes": {"class": f"row {rng.choice(WORDS)}"},
                            }
                        ],
                        "removes": [],
                        "adds": [],
                    },
                    "timestamp": ts + rng.randint(0, 1999),
                }
            )
        if rng.random() < 0.03:
            batch.append(
                {
                    "type": 3,
                    "data": {
                        "source": 0,
                        "texts": [],
                        "attributes": [],
                        "removes": [],
                        "adds": [{"parentId": page.list_id, "nextId": None, "node": page.row()}],
                    },
                    "timestamp": ts + 300,
                }
            )
        if rng.random() < 0.2:
            node = rng.choice(page.element_ids)
            for kind, dt in ((1, 0), (0, 80), (2, 81)):
                batch.append(
                    {
                        "type": 3,
                        "data": {"source": 2, "type": kind, "id": node, "x": x, "y": y},
                        "timestamp": ts + 500 + dt,
                    }
                )
        if rng.random() < 0.3:
            batch.append(
                {
                    "type": 3,
                    "data": {
                        "source": 5,
                        "id": rng.choice(page.element_ids),
                        "text": "*" * rng.randint(1, 20),
                        "isChecked": False,
                    },
                    "timestamp": ts + 700,
                }
            )
        if rng.random() < 0.07:
            batch.append(
                {
                    "type": 6,
                    "data": {
                        "plugin": "rrweb/console@1",
                        "payload": {
                            "level": "log",
                            "payload": [f'"{rng.choice(WORDS)} loaded in {rng.randint(10, 900)} ms"'],
                            "trace": [],
                        },
                    },
                    "timestamp": ts + 900,
                }
            )
        if rng.random() < 0.2:
            status = 500 if rng.random() < 0.02 else 200
            batch.append(
                {
                    "type": 6,
                    "data": {
                        "plugin": "rrweb/network@1",
                        "payload": {
                            "requests": [
                                {
                                    "url": f"/api/{rng.choice(WORDS)}?p={rng.randint(1, 40)}",
                                    "method": "GET",
                                    "status": status,
                                    "startTime": 1000.5,
                                    "endTime": 1000.5 + rng.randint(20, 900),
                                    "initiatorType": "fetch",
                                    "requestHeaders": {"accept": "application/json"},
                                    "responseHeaders": {
                                        "content-type": "application/json",
                                        "cache-control": "no-store",
                                    },
                                }
                            ]
                        },
                    },
                    "timestamp": ts + 1200,
                }
            )
        if rng.random() < 0.01:
            batch.append(
                {
                    "type": 5,
                    "data": {
                        "tag": "sr.error",
                        "payload": {
                            "kind": "error",
                            "message": "TypeError: Cannot read properties of undefined (reading 'total')",
                            "stack": "TypeError: undefined\n    at render (app.js:120:17)",
                        },
                    },
                    "timestamp": ts + 1300,
                }
            )
        if rng.random() < 0.01:
            batch.append(
                {
                    "type": 5,
                    "data": {
                        "tag": "sr.vitals",
                        "payload": {"name": "INP", "value": rng.randint(40, 400), "rating": "good"},
                    },
                    "timestamp": ts + 1400,
                }
            )
        if batch:
            batch.sort(key=lambda e: e["timestamp"])
            yield batch
