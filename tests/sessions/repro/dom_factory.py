"""Tiny rrweb DOM builder for the repro tests: `el("button", {"id": "pay"}, "Pay")` -> serialized nodes."""

from __future__ import annotations

import itertools
from typing import Any

from sessions.archive.chunking import Batch

T0 = 1_763_800_000_000
_ids = itertools.count(100)


def el(tag: str, attrs: dict | None = None, *children: Any) -> dict:
    nodes = [
        c if isinstance(c, dict) else {"type": 3, "textContent": str(c), "id": next(_ids)} for c in children
    ]
    return {"type": 2, "tagName": tag, "attributes": attrs or {}, "childNodes": nodes, "id": next(_ids)}


def snapshot(ts: int, *body: dict) -> dict:
    html = el("html", {}, el("head", {}), el("body", {}, *body))
    return {"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": [html]}}, "timestamp": ts}


def meta(ts: int, href: str) -> dict:
    return {"type": 4, "data": {"href": href, "width": 1280, "height": 800}, "timestamp": ts}


def click(ts: int, node: dict) -> dict:
    return {"type": 3, "data": {"source": 2, "type": 2, "id": node["id"], "x": 1, "y": 1}, "timestamp": ts}


def typed(ts: int, node: dict, text: str = "*****", **extra: Any) -> dict:
    return {"type": 3, "data": {"source": 5, "id": node["id"], "text": text, **extra}, "timestamp": ts}


def mutation(ts: int, **data: Any) -> dict:
    changes = {"adds": [], "removes": [], "texts": [], "attributes": [], **data}
    return {"type": 3, "data": {"source": 0, **changes}, "timestamp": ts}


def failed_request(ts: int, url: str, method: str = "POST", status: int = 500) -> dict:
    request = {"url": url, "method": method, "status": status, "startTime": 100.0, "endTime": 340.0}
    return {
        "type": 6,
        "data": {"plugin": "rrweb/network@1", "payload": {"requests": [request]}},
        "timestamp": ts,
    }


def js_error(ts: int, message: str) -> dict:
    payload = {"kind": "error", "message": message, "stack": ""}
    return {"type": 5, "data": {"tag": "sr.error", "payload": payload}, "timestamp": ts}


def console_error(ts: int, *args: str) -> dict:
    payload = {"level": "error", "payload": list(args), "trace": []}
    return {"type": 6, "data": {"plugin": "rrweb/console@1", "payload": payload}, "timestamp": ts}


def route(ts: int, to: str) -> dict:
    return {"type": 5, "data": {"tag": "sr.route", "payload": {"from": "", "to": to}}, "timestamp": ts}


def batches(*events: dict, tab: str = "tab-a") -> list[Batch]:
    return [Batch(tab, n, T0 + n, [event]) for n, event in enumerate(events)]
