"""Small rrweb event factories for the archive, summary, data API and export tests."""

from __future__ import annotations

from sessions.archive.chunking import Batch

T0 = 1_763_800_000_000


def meta(ts: int, href: str = "https://shop.example/cart", width: int = 1280, height: int = 800) -> dict:
    return {"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": ts}


def full_snapshot(ts: int, text: str = "Your cart") -> dict:
    body = {
        "type": 2,
        "tagName": "body",
        "attributes": {},
        "id": 5,
        "childNodes": [
            {
                "type": 2,
                "tagName": "h1",
                "attributes": {"id": "title"},
                "id": 6,
                "childNodes": [{"type": 3, "textContent": text, "id": 7}],
            },
            {
                "type": 2,
                "tagName": "button",
                "attributes": {"id": "pay"},
                "id": 8,
                "childNodes": [{"type": 3, "textContent": "Pay now", "id": 9}],
            },
            {
                "type": 2,
                "tagName": "input",
                "attributes": {"id": "email", "type": "email"},
                "id": 10,
                "childNodes": [],
            },
        ],
    }
    html = {
        "type": 2,
        "tagName": "html",
        "attributes": {},
        "id": 3,
        "childNodes": [{"type": 2, "tagName": "head", "attributes": {}, "id": 4, "childNodes": []}, body],
    }
    doc = {
        "type": 0,
        "childNodes": [{"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2}, html],
        "id": 1,
    }
    return {"type": 2, "data": {"node": doc, "initialOffset": {"left": 0, "top": 0}}, "timestamp": ts}


def mouse_move(ts: int, x: int = 10, y: int = 10) -> dict:
    return {
        "type": 3,
        "data": {"source": 1, "positions": [{"x": x, "y": y, "id": 5, "timeOffset": 0}]},
        "timestamp": ts,
    }


def click(ts: int, node: int = 8, x: float = 100, y: float = 200) -> dict:
    return {"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": ts}


def text_input(ts: int, node: int = 10, text: str = "*****") -> dict:
    return {"type": 3, "data": {"source": 5, "id": node, "text": text, "isChecked": False}, "timestamp": ts}


def mutation_text(ts: int, node: int = 7, value: str = "Updated") -> dict:
    return {
        "type": 3,
        "data": {
            "source": 0,
            "texts": [{"id": node, "value": value}],
            "attributes": [],
            "removes": [],
            "adds": [],
        },
        "timestamp": ts,
    }


def console_error(ts: int, message: str = "TypeError: total is undefined") -> dict:
    return {
        "type": 6,
        "data": {
            "plugin": "rrweb/console@1",
            "payload": {"level": "error", "payload": [message], "trace": ["at pay (app.js:10:5)"]},
        },
        "timestamp": ts,
    }


def js_error(ts: int, message: str = "Uncaught TypeError: total is undefined") -> dict:
    return {
        "type": 5,
        "data": {
            "tag": "sr.error",
            "payload": {
                "kind": "error",
                "message": message,
                "stack": "TypeError: total is undefined\n    at pay (app.js:10:5)",
            },
        },
        "timestamp": ts,
    }


def network(
    ts: int, url: str = "https://shop.example/api/pay", status: int = 500, method: str = "POST"
) -> dict:
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
                        "startTime": 1000.0,
                        "endTime": 1240.5,
                        "initiatorType": "fetch",
                        "requestHeaders": {"content-type": "application/json"},
                        "responseHeaders": {"content-type": "application/json"},
                        "requestBody": None,
                        "responseBody": None,
                    }
                ]
            },
        },
        "timestamp": ts,
    }


def environment(ts: int) -> dict:
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
    batches: list[list[dict]] = [[environment(T0), meta(T0), full_snapshot(T0)]]
    ts = T0
    end = T0 + minutes * 60_000
    n = 0
    while ts < end:
        ts += 1000
        n += 1
        batch = [mouse_move(ts, n % 300, n % 200), mutation_text(ts + 10, value=f"Total {n}")]
        if n % 7 == 0:
            batch.append(click(ts + 20, x=100 + n % 5, y=200))
        if n % 11 == 0:
            batch.append(text_input(ts + 30))
        if (ts - T0) % checkout_ms < 1000 and ts > T0:
            batch += [meta(ts + 40), full_snapshot(ts + 40, text=f"Cart at {n}")]
        batches.append(batch)
    batches[len(batches) // 2] += [
        click(ts := batches[len(batches) // 2][0]["timestamp"] + 100),
        click(ts + 200),
        click(ts + 300),
        network(ts + 400),
        console_error(ts + 500),
        js_error(ts + 510),
    ]
    return batches


def as_batches(event_batches: list[list[dict]], tab: str = "tab-a", server_ts: int = T0) -> list[Batch]:
    return [Batch(tab, seq, server_ts + seq, events) for seq, events in enumerate(event_batches)]


# --- the real ingest path ------------------------------------------------------------------------------


async def _ingest(credential: str, event_batches: list[list[dict]], tab: str, stop: bool) -> None:
    import msgpack
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from sessions.routing import websocket_urlpatterns

    comm = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns),
        "/ws/ingest/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    connected, _ = await comm.connect(timeout=5)
    assert connected
    send = lambda frame: comm.send_to(bytes_data=msgpack.packb(frame, use_bin_type=True))  # noqa: E731
    await send({"t": "hello", "cred": credential, "tab": tab, "page": 0})
    ready = msgpack.unpackb(await comm.receive_from(timeout=5))
    assert ready["t"] == "ready", ready
    # A window of unacked batches, like the recorder keeps, without waiting for each ack.
    window = 32
    acked = -1
    for seq, events in enumerate(event_batches):
        await send({"t": "events", "seq": seq, "events": events})
        while seq - acked >= window:
            reply = await comm.receive_output(timeout=5)
            assert reply["type"] == "websocket.send", reply
            acked = msgpack.unpackb(reply["bytes"])["seq"]
    while acked < len(event_batches) - 1:
        reply = await comm.receive_output(timeout=5)
        assert reply["type"] == "websocket.send", reply
        acked = msgpack.unpackb(reply["bytes"])["seq"]
    if stop:
        await send({"t": "bye", "reason": "stop"})
        await comm.receive_output(timeout=5)  # the close
    await comm.disconnect()


def ingest(credential: str, event_batches: list[list[dict]], tab: str = "tab-a", stop: bool = True) -> None:
    """Send the batches through the real IngestConsumer (Redis stream via its Lua append); `bye stop` ends
    the session like the customer's Stop button (end_session queues the archive task)."""
    from asgiref.sync import async_to_sync
    from django.test import override_settings

    # A recorder batches every few seconds; these tests send minutes of batches at once, so lift the
    # per-socket frame rate limit (configuration, the limiter itself still runs).
    with override_settings(
        SUPPORTREPLAY_RATE_FRAMES_PER_SECOND=100_000, SUPPORTREPLAY_RATE_BURST_FRAMES=100_000
    ):
        async_to_sync(_ingest)(credential, event_batches, tab, stop)
