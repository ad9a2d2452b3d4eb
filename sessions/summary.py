"""What happened in a session, in numbers and markers, computed from its batches. Pure.

Linear in the events and bounded in memory whatever a recorded page sends: one pass, lists capped at
MAX_LISTED while they are built (counts stay exact), rage clicks in O(n log n).

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
# Later clicks looked at per candidate first click of a rage run: keeps find_rage_clicks linear, and no
# person clicks 20 times within RAGE_WINDOW_MS.
RAGE_SCAN_LIMIT = 20


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


def _coordinate(value: Any) -> float:
    """A click coordinate as a float; anything else a page may send (text, NaN, huge) counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    number = float(value) if abs(value) < 1e15 else 0.0
    return number if math.isfinite(number) else 0.0


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


def _same_spot(node: Any, x: float, y: float, other: tuple[int, Any, float, float]) -> bool:
    """Same node, or within RAGE_RADIUS_PX CSS pixels: one spot for rage clicks."""
    dx, dy = other[2] - x, other[3] - y
    return (node is not None and node == other[1]) or dx * dx + dy * dy <= RAGE_RADIUS_PX * RAGE_RADIUS_PX


def find_rage_clicks(clicks: Sequence[tuple[int, Any, float, float]]) -> list[dict[str, Any]]:
    """Runs of RAGE_CLICKS+ clicks within RAGE_WINDOW_MS on one spot; clicks are (ts, node id, x, y).

    O(n log n): a sort, then for each candidate first click at most RAGE_SCAN_LIMIT later clicks (a
    recorded page can send any number of clicks with one timestamp; no person clicks that fast).
    """
    found: list[dict[str, Any]] = []
    ordered = sorted(clicks, key=lambda c: c[0])
    count = len(ordered)
    i = 0
    while i < count:
        ts, node, x, y = ordered[i]
        in_run, last = 1, i
        for j in range(i + 1, min(count, i + 1 + RAGE_SCAN_LIMIT)):
            other = ordered[j]
            if other[0] - ts > RAGE_WINDOW_MS:
                break
            if _same_spot(node, x, y, other):
                in_run, last = in_run + 1, j
        if in_run >= RAGE_CLICKS:
            found.append({"ts": ts, "clicks": in_run, "node": node, "x": x, "y": y})
            i = last + 1
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

    page_count = 0
    last_url = None

    def visit(url: str, ts: int, tab: str) -> None:
        nonlocal page_count, last_url
        if url and url != last_url:
            last_url = url
            page_count += 1
            if len(pages) < MAX_LISTED:
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
                clicks.append((ts, data.get("id"), _coordinate(x), _coordinate(y)))
            elif kind is Kind.INPUT:
                counts["inputs"] += 1
            elif kind is Kind.CONSOLE_ERROR:
                counts["console_errors"] += 1
                payload = _payload(event)
                if len(errors) < MAX_LISTED:
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
                if len(errors) < MAX_LISTED:
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
                        if len(failed) < MAX_LISTED:
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
        "page_count": page_count,
        "rage_clicks": len(rage),
        "errors": errors[:MAX_LISTED],
        "failed": failed[:MAX_LISTED],
        "markers": markers[: MAX_LISTED * 4],
        "environment": environment,
        "raw_bytes": raw_bytes,
        "stored_bytes": stored_bytes,
        "gaps": dict(gaps or {}),
    }
