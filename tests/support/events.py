"""rrweb events for tests and benchmarks: small hand-made pages and the events a support case shows.

`element`/`text` build DOM nodes (unique ids), `page_events` a Meta + Full snapshot of a page around them;
the rest are one incremental event each. Timestamps default to now (ms since the epoch).
"""

from __future__ import annotations

import itertools
import time

_ids = itertools.count(100)


def now_ms() -> int:
    return int(time.time() * 1000)


def element(tag: str, children: list | None = None, **attributes: str) -> dict:
    return {
        "type": 2,
        "tagName": tag,
        "attributes": attributes,
        "childNodes": children or [],
        "id": next(_ids),
    }


def text(value: str) -> dict:
    return {"type": 3, "textContent": value, "id": next(_ids)}


def page_events(href: str, body: list[dict], ts: int | None = None, width: int = 1024, height: int = 700):
    """Meta + full snapshot of a page whose <body> holds `body` (nodes made with element/text)."""
    ts = ts or now_ms()
    document = {
        "type": 0,
        "childNodes": [
            {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 1_000_001},
            {
                "type": 2,
                "tagName": "html",
                "attributes": {},
                "childNodes": [
                    element("head", [element("title", [text("Shop")])]),
                    element("body", body),
                ],
                "id": 1_000_002,
            },
        ],
        "id": 1_000_000,
    }
    return [
        {"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": ts},
        {"type": 2, "data": {"node": document, "initialOffset": {"left": 0, "top": 0}}, "timestamp": ts},
    ]


def text_change(node_id: int, value: str, ts: int | None = None) -> dict:
    return {
        "type": 3,
        "data": {
            "source": 0,
            "texts": [{"id": node_id, "value": value}],
            "attributes": [],
            "removes": [],
            "adds": [],
        },
        "timestamp": ts or now_ms(),
    }


def console_event(level: str, *payload: str, trace: list[str] | None = None, ts: int | None = None) -> dict:
    return {
        "type": 6,
        "data": {
            "plugin": "rrweb/console@1",
            "payload": {"level": level, "payload": [f'"{p}"' for p in payload], "trace": trace or []},
        },
        "timestamp": ts or now_ms(),
    }


def network_event(url: str, status: int, method: str = "GET", ts: int | None = None) -> dict:
    ts = ts or now_ms()
    return {
        "type": 6,
        "data": {
            "plugin": "rrweb/network@1",
            "payload": {
                "requests": [
                    {
                        "url": url,
                        "method": method,
                        "status": status,
                        "startTime": ts - 120,
                        "endTime": ts,
                        "initiatorType": "fetch",
                        "responseHeaders": {"content-length": "42"},
                    }
                ]
            },
        },
        "timestamp": ts,
    }


def js_error(message: str, stack: str = "", ts: int | None = None) -> dict:
    return {
        "type": 5,
        "data": {"tag": "sr.error", "payload": {"kind": "error", "message": message, "stack": stack}},
        "timestamp": ts or now_ms(),
    }
