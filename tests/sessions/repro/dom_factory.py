"""Repro-test shorthands over tests.support.events (the one event-factory module).

`el("button", {"id": "pay"}, "Pay")` builds a node (attributes as a dict, so `class` fits; strings become
text nodes); the event helpers take a node rather than its id, and `batches` stores one event per batch.
"""

from __future__ import annotations

from typing import Any

from tests.support import events
from tests.support.events import T0, as_batches, meta_event, route_event

__all__ = ["T0", "batches", "click", "console_error", "el", "failed_request", "js_error", "meta", "mutation"]
__all__ += ["route", "snapshot", "typed"]

meta = meta_event  # meta(ts, href)
route = route_event  # route(ts, to)
mutation = events.mutation_event  # mutation(ts, adds=[...], ...)


def el(tag: str, attrs: dict | None = None, *children: Any) -> dict:
    nodes = [c if isinstance(c, dict) else events.text(str(c)) for c in children]
    return events.element(tag, nodes, **(attrs or {}))


def snapshot(ts: int, *body: dict) -> dict:
    return events.snapshot_event(list(body), ts)


def click(ts: int, node: dict) -> dict:
    return events.click_event(ts, node["id"], x=1, y=1)


def typed(ts: int, node: dict, text: str = "*****", **extra: Any) -> dict:
    return events.input_event(ts, node["id"], text, **extra)


def failed_request(ts: int, url: str, method: str = "POST", status: int = 500) -> dict:
    return events.network_event(url, status, method, ts=ts, startTime=100.0, endTime=340.0)


def js_error(ts: int, message: str) -> dict:
    return events.js_error(message, stack="", ts=ts)


def console_error(ts: int, *args: str) -> dict:
    return events.console_event(*args, level="error", ts=ts)


def batches(*evs: dict, tab: str = "tab-a") -> list:
    return as_batches([[event] for event in evs], tab)
