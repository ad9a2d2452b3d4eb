"""What happened in a session, in numbers and markers, computed from its batches. Pure.

The archive stores this in `RecordingSession.summary`; the data API serves it with the manifest (markers
drive the player's timeline) and the bug report export reads it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .archive.chunking import Batch, event_ts
from .events import Kind, classify, is_failed_request

RAGE_CLICKS = 3
RAGE_WINDOW_MS = 1000
# Clicks on the same node, or within this many CSS pixels, are "one spot".
RAGE_RADIUS_PX = 24
MAX_LISTED = 200


def _payload(event: Mapping[str, Any]) -> Mapping[str, Any]:
    data = event.get("data")
    payload = data.get("payload") if isinstance(data, Mapping) else None
    return payload if isinstance(payload, Mapping) else {}


def _data(event: Mapping[str, Any]) -> Mapping[str, Any]:
    data = event.get("data")
    return data if isinstance(data, Mapping) else {}


def _text(value: Any, limit: int = 500) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return text[:limit]


def console_message(payload: Mapping[str, Any]) -> str:
    parts = payload.get("payload")
    if isinstance(parts, list):
        return _text(" ".join(p if isinstance(p, str) else str(p) for p in parts))
    return _text(parts)


def request_rows(event: Mapping[str, Any], ts: int) -> list[dict[str, Any]]:
    """One network plugin event as request rows (url, method, status, duration, start ts)."""
    requests = _payload(event).get("requests")
    rows = []
    for request in requests if isinstance(requests, list) else []:
        if not isinstance(request, Mapping):
            continue
        start, end = request.get("startTime"), request.get("endTime")
        duration = end - start if isinstance(start, int | float) and isinstance(end, int | float) else None
        rows.append(
            {
                "ts": ts,
                "url": _text(request.get("url"), 2000),
                "method": _text(request.get("method") or "GET", 16).upper(),
                "status": request.get("status") if isinstance(request.get("status"), int) else 0,
                "duration_ms": round(duration, 1) if duration is not None else None,
                "failed": is_failed_request(request),
            }
        )
    return rows


def find_rage_clicks(clicks: Sequence[tuple[int, Any, float, float]]) -> list[dict[str, Any]]:
    """Runs of RAGE_CLICKS+ clicks within RAGE_WINDOW_MS on one spot; clicks are (ts, node id, x, y)."""

    def same_spot(a: tuple, b: tuple) -> bool:
        return (a[1] is not None and a[1] == b[1]) or math.dist(a[2:], b[2:]) <= RAGE_RADIUS_PX

    found = []
    ordered = sorted(clicks, key=lambda c: c[0])
    i = 0
    while i < len(ordered):
        first = ordered[i]
        run = [c for c in ordered[i:] if c[0] - first[0] <= RAGE_WINDOW_MS and same_spot(first, c)]
        if len(run) >= RAGE_CLICKS:
            found.append({"ts": first[0], "clicks": len(run), "node": first[1], "x": first[2], "y": first[3]})
            i = ordered.index(run[-1]) + 1
        else:
            i += 1
    return found


def summarize(
    batches: Iterable[Batch],
    *,
    stored_bytes: int = 0,
    raw_bytes: int = 0,
    gaps: Mapping[str, list] | None = None,
) -> dict[str, Any]:
    counts = dict.fromkeys(("events", "batches", "clicks", "inputs", "console_errors", "js_errors"), 0)
    counts["failed_requests"] = counts["requests"] = 0
    pages: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    clicks: list[tuple[int, Any, float, float]] = []
    environment: dict[str, Any] = {}
    tabs: set[str] = set()
    first_ts = last_ts = None

    def visit(url: str, ts: int, tab: str) -> None:
        if url and (not pages or pages[-1]["url"] != url):
            pages.append({"ts": ts, "url": _text(url, 2000), "tab": tab})

    for batch in batches:
        counts["batches"] += 1
        tabs.add(batch.tab)
        for event in batch.events:
            if not isinstance(event, Mapping):
                continue
            counts["events"] += 1
            ts = event_ts(event, batch.ts)
            first_ts = ts if first_ts is None else min(first_ts, ts)
            last_ts = ts if last_ts is None else max(last_ts, ts)
            kind = classify(event)
            data = _data(event)
            if kind is Kind.META:
                visit(_text(data.get("href"), 2000), ts, batch.tab)
                if "viewport" not in environment and data.get("width"):
                    environment["viewport"] = f"{data.get('width')}x{data.get('height')}"
            elif kind is Kind.ROUTE:
                visit(_text(_payload(event).get("to"), 2000), ts, batch.tab)
            elif kind is Kind.CLICK:
                counts["clicks"] += 1
                x, y = data.get("x"), data.get("y")
                clicks.append((ts, data.get("id"), float(x or 0), float(y or 0)))
            elif kind is Kind.INPUT:
                counts["inputs"] += 1
            elif kind is Kind.CONSOLE_ERROR:
                counts["console_errors"] += 1
                payload = _payload(event)
                errors.append(
                    {
                        "ts": ts,
                        "kind": "console",
                        "message": console_message(payload),
                        "stack": _text(
                            "\n".join(t for t in payload.get("trace") or [] if isinstance(t, str)), 4000
                        ),
                    }
                )
            elif kind is Kind.JS_ERROR:
                counts["js_errors"] += 1
                payload = _payload(event)
                errors.append(
                    {
                        "ts": ts,
                        "kind": _text(payload.get("kind") or "error", 40),
                        "message": _text(payload.get("message")),
                        "stack": _text(payload.get("stack"), 4000),
                    }
                )
            elif kind is Kind.ENVIRONMENT:
                environment.update({k: v for k, v in _payload(event).items() if isinstance(k, str)})
            if kind in (Kind.NETWORK, Kind.NETWORK_FAILED):
                for row in request_rows(event, ts):
                    counts["requests"] += 1
                    if row["failed"]:
                        counts["failed_requests"] += 1
                        failed.append(row)

    rage = find_rage_clicks(clicks)
    markers = (
        [{"ts": e["ts"], "kind": "error", "label": e["message"][:120] or "Error"} for e in errors]
        + [
            {
                "ts": r["ts"],
                "kind": "failed_request",
                "label": f"{r['status'] or 'failed'} {r['method']} {r['url'][:100]}",
            }
            for r in failed
        ]
        + [{"ts": p["ts"], "kind": "navigation", "label": p["url"][:120]} for p in pages[1:]]
        + [{"ts": r["ts"], "kind": "rage_click", "label": f"{r['clicks']} rapid clicks"} for r in rage]
    )
    markers.sort(key=lambda m: m["ts"])
    return {
        **counts,
        "start_ts": first_ts or 0,
        "end_ts": last_ts or 0,
        "duration_ms": (last_ts - first_ts) if first_ts is not None else 0,
        "tabs": len(tabs),
        "pages": pages[:MAX_LISTED],
        "page_count": len(pages),
        "rage_clicks": len(rage),
        "errors": errors[:MAX_LISTED],
        "failed": failed[:MAX_LISTED],
        "markers": markers[: MAX_LISTED * 4],
        "environment": environment,
        "raw_bytes": raw_bytes,
        "stored_bytes": stored_bytes,
        "gaps": dict(gaps or {}),
    }
