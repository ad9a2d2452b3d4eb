"""rrweb events for tests and benchmarks: the one event-factory module (tests/ and bench/ import it).

- `element`/`text` build DOM nodes (unique ids), `snapshot_event` a Full snapshot of a document around
  them, `page_events` a Meta + Full snapshot of a page; `mutation_event` an incremental DOM mutation.
- `meta_event`, `full_snapshot_event` (a small cart page: h1#title text 7, button#pay 8, input#email 10),
  `mouse_move_event`, `click_event`, `input_event`, `environment_event`, `route_event`: timestamps
  default to T0 (route_event's is required).
- `text_change`, `console_event`, `network_event`, `js_error`: timestamps default to now (ms since epoch).
- `checkout_session` (event batches of a small shop session) and `as_batches` (as stored batches).
- `png`: the bytes of a small image, for captured-asset events.
"""

from __future__ import annotations

import itertools
import struct
import time
import zlib

_ids = itertools.count(100)

T0 = 1_763_800_000_000
CART = "https://shop.example/cart"
PAY_URL = "https://shop.example/api/pay"
PAY_STACK = "TypeError: total is undefined\n    at pay (app.js:10:5)"


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


def snapshot_event(body: list[dict], ts: int | None = None, head: list[dict] | None = None) -> dict:
    """A Full snapshot of a document whose <body> holds `body` (nodes made with element/text)."""
    document = {
        "type": 0,
        "childNodes": [
            {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 1_000_001},
            {
                "type": 2,
                "tagName": "html",
                "attributes": {},
                "childNodes": [element("head", head or []), element("body", body)],
                "id": 1_000_002,
            },
        ],
        "id": 1_000_000,
    }
    return {
        "type": 2,
        "data": {"node": document, "initialOffset": {"left": 0, "top": 0}},
        "timestamp": ts or now_ms(),
    }


def page_events(href: str, body: list[dict], ts: int | None = None, width: int = 1024, height: int = 700):
    """Meta + full snapshot of a page whose <body> holds `body` (nodes made with element/text)."""
    ts = ts or now_ms()
    head = [element("title", [text("Shop")])]
    return [meta_event(ts, href, width, height), snapshot_event(body, ts, head)]


def mutation_event(ts: int | None = None, **changes: list) -> dict:
    """An incremental DOM mutation; `changes` fill its adds/removes/texts/attributes lists."""
    data = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": [], **changes}
    return {"type": 3, "data": data, "timestamp": ts or now_ms()}


def text_change(node_id: int, value: str, ts: int | None = None) -> dict:
    return mutation_event(ts, texts=[{"id": node_id, "value": value}])


def console_event(
    *payload: str, level: str = "log", trace: list[str] | None = None, ts: int | None = None
) -> dict:
    """rrweb's console plugin event. `payload` as the plugin sends it: it stringifies each argument, so a
    string the page logged arrives in quotes ('"text"'); pass it so when that matters."""
    return {
        "type": 6,
        "data": {
            "plugin": "rrweb/console@1",
            "payload": {"level": level, "payload": list(payload), "trace": trace or []},
        },
        "timestamp": ts or now_ms(),
    }


def network_event(
    url: str = "http://testserver/api/cart",
    status: int = 200,
    method: str = "GET",
    *,
    ts: int | None = None,
    **request_fields,
) -> dict:
    """rrweb's network plugin event with one request; `request_fields` add or replace its members."""
    ts = ts or now_ms()
    request = {
        "url": url,
        "method": method,
        "status": status,
        "startTime": ts - 120,
        "endTime": ts,
        "initiatorType": "fetch",
        "responseHeaders": {"content-length": "42"},
        **request_fields,
    }
    return {
        "type": 6,
        "data": {"plugin": "rrweb/network@1", "payload": {"requests": [request]}},
        "timestamp": ts,
    }


def payment_request(ts: int, status: int = 500, url: str = PAY_URL, method: str = "POST") -> dict:
    """The shop's payment call, as the summary and report tests expect it (240.5 ms, JSON both ways)."""
    return network_event(
        url,
        status,
        method,
        ts=ts,
        startTime=1000.0,
        endTime=1240.5,
        requestHeaders={"content-type": "application/json"},
        responseHeaders={"content-type": "application/json"},
        requestBody=None,
        responseBody=None,
    )


def payment_error_log(ts: int, message: str = "TypeError: total is undefined") -> dict:
    """The shop's console.error when the payment fails."""
    return console_event(message, level="error", trace=["at pay (app.js:10:5)"], ts=ts)


def js_error(
    message: str = "Uncaught TypeError: total is undefined", stack: str = PAY_STACK, ts: int | None = None
) -> dict:
    return {
        "type": 5,
        "data": {"tag": "sr.error", "payload": {"kind": "error", "message": message, "stack": stack}},
        "timestamp": ts or now_ms(),
    }


def meta_event(ts: int = T0, href: str = CART, width: int = 1280, height: int = 800) -> dict:
    return {"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": ts}


def _node(tag: str, node_id: int, children: list | None = None, **attributes: str) -> dict:
    return {"type": 2, "tagName": tag, "attributes": attributes, "id": node_id, "childNodes": children or []}


def full_snapshot_event(ts: int = T0, text: str = "Your cart") -> dict:
    """A small cart page: head 4, body 5, h1#title 6 (its text 7), button#pay 8, input#email 10."""
    body = _node(
        "body",
        5,
        [
            _node("h1", 6, [{"type": 3, "textContent": text, "id": 7}], id="title"),
            _node("button", 8, [{"type": 3, "textContent": "Pay now", "id": 9}], id="pay"),
            _node("input", 10, id="email", type="email"),
        ],
    )
    html = _node("html", 3, [_node("head", 4), body])
    doc = {
        "type": 0,
        "childNodes": [{"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2}, html],
        "id": 1,
    }
    return {"type": 2, "data": {"node": doc, "initialOffset": {"left": 0, "top": 0}}, "timestamp": ts}


def mouse_move_event(ts: int = T0, x: int = 10, y: int = 20, node: int = 5) -> dict:
    return {
        "type": 3,
        "data": {"source": 1, "positions": [{"x": x, "y": y, "id": node, "timeOffset": 0}]},
        "timestamp": ts,
    }


def click_event(ts: int = T0, node: int = 8, x: float = 100, y: float = 200) -> dict:
    return {"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": ts}


def input_event(ts: int = T0, node: int = 10, text: str = "*****", **extra) -> dict:
    data = {"source": 5, "id": node, "text": text, "isChecked": False, **extra}
    return {"type": 3, "data": data, "timestamp": ts}


def route_event(ts: int, to: str, source: str = "") -> dict:
    """The recorder's SPA navigation event (history.pushState / popstate)."""
    return {"type": 5, "data": {"tag": "sr.route", "payload": {"from": source, "to": to}}, "timestamp": ts}


def environment_event(ts: int = T0) -> dict:
    return {
        "type": 5,
        "data": {
            "tag": "sr.env",
            "payload": {
                "userAgent": "Mozilla/5.0 Chrome/131",
                "browser": "Chrome 131",
                "os": "Linux",
                "viewport": "1280x800",
                "language": "en-US",
            },
        },
        "timestamp": ts,
    }


def checkout_session(minutes: int = 3, tab: str = "tab-a", checkout_ms: int = 60_000) -> list[list[dict]]:
    """Event batches of a small shop session: a snapshot per `checkout_ms`, moves, clicks, an error, a 500."""
    batches: list[list[dict]] = [[environment_event(T0), meta_event(T0), full_snapshot_event(T0)]]
    ts = T0
    end = T0 + minutes * 60_000
    n = 0
    while ts < end:
        ts += 1000
        n += 1
        batch = [mouse_move_event(ts, n % 300, n % 200), text_change(7, f"Total {n}", ts=ts + 10)]
        if n % 7 == 0:
            batch.append(click_event(ts + 20, x=100 + n % 5, y=200))
        if n % 11 == 0:
            batch.append(input_event(ts + 30))
        if (ts - T0) % checkout_ms < 1000 and ts > T0:
            batch += [meta_event(ts + 40), full_snapshot_event(ts + 40, text=f"Cart at {n}")]
        batches.append(batch)
    batches[len(batches) // 2] += [
        click_event(ts := batches[len(batches) // 2][0]["timestamp"] + 100),
        click_event(ts + 200),
        click_event(ts + 300),
        payment_request(ts + 400),
        payment_error_log(ts + 500),
        js_error(ts=ts + 510),
    ]
    return batches


def png(width: int = 3, height: int = 2, rgb: bytes = b"\xff\x00\x00") -> bytes:
    """A valid PNG file of one colour (the bytes of a captured image asset)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + rgb * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def as_batches(event_batches: list[list[dict]], tab: str = "tab-a", server_ts: int = T0) -> list:
    """The batches as the store gives them back (sessions.archive.chunking.Batch)."""
    from sessions.archive.chunking import Batch

    return [Batch(tab, seq, server_ts + seq, events) for seq, events in enumerate(event_batches)]
