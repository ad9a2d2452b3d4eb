"""The ingest socket in process (WebsocketCommunicator), on the real test Redis and channel layer."""

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import override_settings

from sessions import keys, services, store
from sessions.models import EndReason, RecordingSession, SessionState
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import IngestSocket, pack
from tests.support.events import (
    T0,
    console_event,
    full_snapshot_event,
    meta_event,
    mouse_move_event,
    network_event,
)

# One event loop for the module: the channel layer's connections stay warm between tests (cancelling a
# consumer while channels-redis is still connecting its first receive on a fresh loop can hang).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("redis_db", "recorders"),
    pytest.mark.asyncio(loop_scope="module"),
]

new_session = database_sync_to_async(make_session)


@pytest_asyncio.fixture(loop_scope="module")
async def recorders():
    yield
    await IngestSocket.disconnect_all()


async def ready_recorder(live, tab="tab-1", origin="http://testserver"):
    recorder, connected, _ = await IngestSocket.connect(origin)
    assert connected
    ready = await recorder.hello(live.credential, tab)
    assert ready["t"] == "ready", ready
    return recorder, ready


async def test_happy_path_stores_exactly_the_batches_sent_and_acks_each():
    live = await new_session(capture_network_bodies=True)
    recorder, ready = await ready_recorder(live)
    assert ready["acked"] == -1
    assert ready["options"] == {
        "console": True,
        "network": True,
        "bodies": True,
        "mask_all_text": False,
        "assets": True,
        "checkout_ms": 300000,
        "company": "Acme Inc.",
        "max_frame": 1024 * 1024,
    }
    batches = [
        [meta_event(href="http://testserver/demo/cart"), full_snapshot_event()],
        [mouse_move_event(), console_event("hi", ts=T0 + 1)],
        [network_event(status=503, ts=T0 + 2)],
    ]
    for seq, events in enumerate(batches):
        assert await recorder.events(seq, events) == {"t": "ack", "seq": seq}
    stored = list(store.read_events(live.id))
    assert [(b.tab, b.seq, b.events) for b in stored] == [("tab-1", i, e) for i, e in enumerate(batches)]
    meta = store.read_meta(live.id)
    assert (meta.status, meta.connected, meta.events, meta.batches) == ("live", 1, 5, 3)
    assert (meta.failed_requests, meta.snapshot_id) == (1, stored[0].stream_id)
    assert meta.page_url == "http://testserver/demo/cart"
    await recorder.disconnect()
    assert store.read_meta(live.id).connected == 0


async def test_mask_all_text_is_enforced_by_the_server_whatever_the_recorder_sent():
    live = await new_session(mask_all_text=True)
    recorder, ready = await ready_recorder(live)
    assert ready["options"]["mask_all_text"] is True
    # A recorder that ignored the option sends clear text, a clear page URL and a clear title.
    events = [
        meta_event(href="http://testserver/orders/4471?name=Jane"),
        full_snapshot_event(text="Jane Doe"),
    ]
    assert await recorder.events(0, events) == {"t": "ack", "seq": 0}
    await recorder.send(
        {"t": "part", "seq": 1, "i": 0, "n": 1, "data": pack([full_snapshot_event(text="Bob")])}
    )
    assert await recorder.receive() == {"t": "ack", "seq": 1}
    stored = repr([b.events for b in store.read_events(live.id)])
    for clear in ("Jane", "Doe", "Bob", "4471", "/orders"):
        assert clear not in stored
    await recorder.disconnect()


async def test_resend_after_reconnect_is_stored_once_acked_again_and_ready_tells_where_to_resume():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    for seq in range(3):
        await recorder.events(seq, [mouse_move_event(x=seq)])
    await recorder.disconnect()

    recorder, ready = await ready_recorder(live)
    assert ready["acked"] == 2
    assert await recorder.events(2, [mouse_move_event(x=2)]) == {"t": "ack", "seq": 2}
    assert await recorder.events(3, [mouse_move_event(x=3)]) == {"t": "ack", "seq": 3}
    assert [b.seq for b in store.read_events(live.id)] == [0, 1, 2, 3]
    await recorder.disconnect()
    other_tab, ready = await ready_recorder(live, tab="tab-2")
    assert ready["acked"] == -1
    await other_tab.disconnect()


async def test_big_batch_sent_as_parts_is_stored_as_one_batch_and_acked_once():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    events = [meta_event(), full_snapshot_event(text="x" * 300_000)]
    blob = pack(events)
    chunks = [blob[i : i + 100_000] for i in range(0, len(blob), 100_000)]
    for i, chunk in enumerate(chunks):
        await recorder.send({"t": "part", "seq": 0, "i": i, "n": len(chunks), "data": chunk})
    assert await recorder.receive() == {"t": "ack", "seq": 0}
    assert await recorder.comm.receive_nothing(timeout=0.1)
    [stored] = store.read_events(live.id)
    assert (stored.seq, stored.full, stored.events) == (0, True, events)
    await recorder.disconnect()


async def test_stored_events_have_credential_headers_and_card_numbers_redacted():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    events = [
        network_event(
            requestHeaders={"Authorization": "Bearer s3cret", "X-Session-Id": "abc", "Accept": "*/*"},
            responseHeaders={"Set-Cookie": "sid=zz"},
            requestBody='{"card":"4111 1111 1111 1111"}',
        ),
        console_event("paying with 5500-0055-5555-5559", ts=T0 + 1),
    ]
    await recorder.events(0, events)
    raw = b"".join(v for _, fields in store.get_redis().xrange(keys.events(live.id)) for v in fields.values())
    for secret in (b"s3cret", b"sid=zz", b"4111 1111", b"5500-0055", b"X-Session-Id"):
        assert secret not in raw
    [stored] = store.read_events(live.id)
    request = stored.events[0]["data"]["payload"]["requests"][0]
    assert request["requestHeaders"] == {"Accept": "*/*"}
    assert request["requestBody"] == '{"card":"[card]"}'
    assert stored.events[1]["data"]["payload"]["payload"] == ["paying with [card]"]
    await recorder.disconnect()


async def test_watcher_snapshot_request_reaches_the_recorder():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    await get_channel_layer().group_send(keys.control_group(live.id), {"type": "session.snapshot"})
    assert await recorder.receive() == {"t": "snapshot"}
    await recorder.disconnect()


async def test_revoke_sends_stop_and_closes_4410():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    await database_sync_to_async(services.end_session)(live.id, EndReason.REVOKED)
    assert await recorder.receive(timeout=5) == {"t": "stop"}
    assert await recorder.closed_with(timeout=5) == 4410
    # The socket is gone; a reconnect with the same credential is refused too.
    again, _, _ = await IngestSocket.connect()
    await again.send({"t": "hello", "cred": live.credential, "tab": "tab-1", "page": 0})
    assert await again.closed_with() == 4410


async def test_bye_stop_ends_the_session_and_closes_normally():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    await recorder.events(0, [mouse_move_event()])
    await recorder.send({"t": "bye", "reason": "stop"})
    assert await recorder.closed_with() == 1000
    session = await database_sync_to_async(RecordingSession.objects.get)(pk=live.id)
    assert (session.state, session.end_reason) == (SessionState.ENDED, EndReason.STOP)
    assert store.read_meta(live.id).status == "ended"


async def test_bye_unload_keeps_the_session_live():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    await recorder.send({"t": "bye", "reason": "unload"})
    assert await recorder.closed_with() == 1000
    session = await database_sync_to_async(RecordingSession.objects.get)(pk=live.id)
    assert session.state == SessionState.LIVE


# --- every close code ----------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", None, "null"])
async def test_foreign_or_missing_origin_is_refused_before_accept_with_4403(origin):
    await new_session()
    _recorder, connected, code = await IngestSocket.connect(origin)
    assert (connected, code) == (False, 4403)


async def test_origin_of_another_live_link_passes_the_first_check_but_not_hello():
    await new_session("https://other.example/app")
    live = await new_session("http://testserver/demo/")
    recorder, connected, _ = await IngestSocket.connect("https://other.example")
    assert connected
    await recorder.send({"t": "hello", "cred": live.credential, "tab": "t", "page": 0})
    assert await recorder.closed_with() == 4403
    assert store.read_meta(live.id) is None


async def test_link_target_origin_is_accepted_without_being_configured():
    live = await new_session("https://shop.example/checkout")
    recorder, ready = await ready_recorder(live, origin="https://shop.example")
    assert ready["acked"] == -1
    await recorder.disconnect()


@pytest.mark.parametrize("credential", ["", "not-a-credential-at-all", 42])
async def test_bad_credential_closes_4401(credential):
    await new_session()
    recorder, _, _ = await IngestSocket.connect()
    await recorder.send({"t": "hello", "cred": credential, "tab": "t", "page": 0})
    assert await recorder.closed_with() == 4401


async def test_tampered_credential_closes_4401():
    live = await new_session()
    recorder, _, _ = await IngestSocket.connect()
    await recorder.send({"t": "hello", "cred": live.credential[:-2] + "xx", "tab": "t", "page": 0})
    assert await recorder.closed_with() == 4401


async def test_events_before_hello_close_4401_and_store_nothing():
    live = await new_session()
    recorder, _, _ = await IngestSocket.connect()
    await recorder.send({"t": "events", "seq": 0, "events": [mouse_move_event()]})
    assert await recorder.closed_with() == 4401
    assert store.read_meta(live.id) is None


async def test_no_hello_in_time_closes_4401():
    with override_settings(SUPPORTREPLAY_HELLO_TIMEOUT_SECONDS=0.2):
        recorder, connected, _ = await IngestSocket.connect()
        assert connected
        assert await recorder.closed_with(timeout=2) == 4401


async def test_ended_session_is_refused_with_4410():
    live = await new_session()
    await database_sync_to_async(services.end_session)(live.id, EndReason.IDLE)
    recorder, _, _ = await IngestSocket.connect()
    await recorder.send({"t": "hello", "cred": live.credential, "tab": "t", "page": 0})
    assert await recorder.closed_with() == 4410


async def test_session_past_max_duration_is_ended_at_hello_with_4410():
    live = await database_sync_to_async(make_session)(started_minutes_ago=121)
    recorder, _, _ = await IngestSocket.connect()
    await recorder.send({"t": "hello", "cred": live.credential, "tab": "t", "page": 0})
    assert await recorder.closed_with() == 4410
    session = await database_sync_to_async(RecordingSession.objects.get)(pk=live.id)
    assert (session.state, session.end_reason) == (SessionState.ENDED, EndReason.MAX_DURATION)


@pytest.mark.parametrize(
    "frame",
    [
        {"t": "events", "seq": 1, "events": [{"type": 3, "timestamp": T0 + 1}]},
        {"t": "events", "seq": "1", "events": []},
        {"t": "hello", "cred": "x", "tab": "t", "page": 0},
        b"\x93\x01\x02",
    ],
)
async def test_malformed_frame_closes_4400_and_stores_nothing_of_it(frame):
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    await recorder.events(0, [mouse_move_event()])
    await recorder.send(frame)
    assert await recorder.closed_with() == 4400
    assert [b.seq for b in store.read_events(live.id)] == [0]


async def test_text_frame_closes_4400():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    await recorder.comm.send_to(text_data='{"t": "events"}')
    assert await recorder.closed_with() == 4400


async def test_events_while_parts_are_incomplete_close_4400():
    live = await new_session()
    recorder, _ = await ready_recorder(live)
    await recorder.send({"t": "part", "seq": 0, "i": 0, "n": 2, "data": b"\x91"})
    await recorder.send({"t": "events", "seq": 1, "events": []})
    assert await recorder.closed_with() == 4400
    assert list(store.read_events(live.id)) == []


async def test_frame_over_the_limit_closes_4413():
    live = await new_session()
    with override_settings(SUPPORTREPLAY_MAX_FRAME_BYTES=10_000):
        recorder, ready = await ready_recorder(live)
        assert ready["options"]["max_frame"] == 10_000
        await recorder.send({"t": "events", "seq": 0, "events": [console_event("x" * 20_000, ts=T0 + 1)]})
        assert await recorder.closed_with() == 4413
    assert list(store.read_events(live.id)) == []


@pytest.mark.parametrize(
    "limits",
    [
        {"SUPPORTREPLAY_RATE_BURST_FRAMES": 5, "SUPPORTREPLAY_RATE_FRAMES_PER_SECOND": 1},
        {"SUPPORTREPLAY_RATE_BURST_BYTES": 3000, "SUPPORTREPLAY_RATE_BYTES_PER_SECOND": 100},
    ],
)
async def test_flood_closes_4429(limits):
    live = await new_session()
    with override_settings(**limits):
        recorder, _ = await ready_recorder(live)
        for seq in range(10):
            await recorder.send({"t": "events", "seq": seq, "events": [console_event("y" * 500, ts=T0 + 1)]})
        assert await recorder.closed_with() == 4429
    assert len(list(store.read_events(live.id))) < 10


async def test_redis_unavailable_closes_1011():
    live = await new_session()
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        recorder, _, _ = await IngestSocket.connect()
        await recorder.send({"t": "hello", "cred": live.credential, "tab": "t", "page": 0})
        assert await recorder.closed_with(timeout=5) == 1011
