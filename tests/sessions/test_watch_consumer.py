"""WatchConsumer against a real Redis and the real channel layer: permissions, audit, catch-up, tail,
snapshot request, backpressure resync and the end of a session."""

import asyncio
import json

import msgpack
import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from magiclinks.models import AuditEvent
from sessions import keys
from sessions.consumers import watch
from sessions.models import EndReason, RecordingSession, SessionState
from sessions.routing import websocket_urlpatterns
from sessions.services import end_session
from tests.helpers import live

pytestmark = pytest.mark.django_db(transaction=True)

APP = URLRouter(websocket_urlpatterns)


def communicator(session_id, cookie: str | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(APP, f"/ws/watch/{session_id}/", headers=headers)


async def frame(comm: WebsocketCommunicator, timeout: float = 2) -> dict:
    return msgpack.unpackb(await comm.receive_from(timeout=timeout))


async def frames_until(comm: WebsocketCommunicator, kind: str) -> list[dict]:
    got = []
    while True:
        got.append(await frame(comm))
        if got[-1]["t"] == kind:
            return got


async def frames_for(comm: WebsocketCommunicator, seconds: float) -> list[dict]:
    got = []
    while not await comm.receive_nothing(timeout=seconds):
        got.append(await frame(comm))
    return got


@pytest.fixture
def agent_and_session(redis_db):
    agent = live.make_agent()
    session = live.make_session(agent)
    return agent, session, live.session_cookie(agent)


async def test_anonymous_watcher_is_closed_with_4401(agent_and_session):
    _, session, _ = agent_and_session
    comm = communicator(session.pk)
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_output(1))["code"] == 4401
    await comm.disconnect()


async def test_ack_sent_by_a_refused_watcher_before_the_close_does_not_crash_the_consumer(agent_and_session):
    _, session, _ = agent_and_session
    comm = communicator(session.pk)
    await comm.connect()
    assert (await comm.receive_output(1))["code"] == 4401
    # A page may send an ack before the close reaches it; the consumer must ignore it, not raise.
    await comm.send_to(text_data=json.dumps({"t": "ack", "id": "1-0"}))
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_watch_socket_from_a_foreign_origin_is_refused(agent_and_session):
    _, session, cookie = agent_and_session
    comm = WebsocketCommunicator(
        APP,
        f"/ws/watch/{session.pk}/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    connected, _ = await comm.connect()
    assert not connected
    assert not await AuditEvent.objects.filter(action="session.watch").aexists()


async def test_agent_without_watch_permission_is_closed_with_4403(agent_and_session):
    _, session, _ = agent_and_session
    outsider = await sync_to_async(live.make_agent)("outsider", permitted=False)
    comm = communicator(session.pk, await sync_to_async(live.session_cookie)(outsider))
    await comm.connect()
    assert (await comm.receive_output(1))["code"] == 4403
    assert not await AuditEvent.objects.filter(action="session.watch").aexists()
    await comm.disconnect()


async def test_join_sends_catch_up_from_newest_full_snapshot_asks_for_snapshot_and_audits(
    agent_and_session, redis_db, settings
):
    settings.SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS = 0  # never reuse: every join asks for one
    agent, session, cookie = agent_and_session
    rec = live.StoreWriter(redis_db, session.pk)
    rec.send(live.page_events("https://shop.example/cart", [live.text("old page")]))
    rec.send([live.console_event('"before navigation"')])
    newest = rec.send(live.page_events("https://shop.example/checkout", [live.text("current page")]))
    after = rec.send([live.console_event('"after snapshot"', level="error")])

    layer = get_channel_layer()
    probe = await layer.new_channel()
    await layer.group_add(keys.control_group(session.pk), probe)

    comm = communicator(session.pk, cookie)
    await comm.connect()
    hello = await frame(comm)
    assert hello["t"] == "hello"
    assert hello["state"] == "live"
    assert hello["meta"]["page_url"] == "https://shop.example/checkout"
    got = await frames_until(comm, "live")
    assert [f["t"] for f in got] == ["reset", "batch", "batch", "live"]
    assert [f["id"] for f in got[1:3]] == [newest, after]
    assert got[1]["full"] is True
    assert msgpack.unpackb(got[1]["ev"])[0]["data"]["href"] == "https://shop.example/checkout"

    assert await layer.receive(probe) == {"type": "session.snapshot"}
    audit = await AuditEvent.objects.aget(action="session.watch")
    assert audit.actor_id == agent.pk
    assert audit.object_id == str(session.pk)
    await comm.disconnect()


async def test_join_reuses_a_recent_snapshot_instead_of_asking_the_customer(
    agent_and_session, redis_db, settings
):
    settings.SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS = 60
    _agent, session, cookie = agent_and_session
    rec = live.StoreWriter(redis_db, session.pk)
    newest = rec.send(live.page_events("https://shop.example/cart", [live.text("current page")]))
    layer = get_channel_layer()
    probe = await layer.new_channel()
    await layer.group_add(keys.control_group(session.pk), probe)

    comm = communicator(session.pk, cookie)
    await comm.connect()
    got = await frames_until(comm, "live")
    assert [f["id"] for f in got if f["t"] == "batch"] == [newest]
    # A request would have been sent before the catch-up began, so it would be waiting by now.
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(probe), 0.3)
    await comm.disconnect()


async def test_a_frame_over_the_frame_limit_arrives_in_parts_that_join_to_it(
    agent_and_session, redis_db, settings
):
    settings.SUPPORTREPLAY_MAX_FRAME_BYTES = 64 * 1024
    _agent, session, cookie = agent_and_session
    rec = live.StoreWriter(redis_db, session.pk)
    big = "x" * (300 * 1024)
    newest = rec.send(live.page_events("https://shop.example/big", [live.text(big)]))

    comm = communicator(session.pk, cookie)
    await comm.connect()
    parts = []
    while True:
        raw = await comm.receive_output(5)
        assert len(raw["bytes"]) <= 64 * 1024
        message = msgpack.unpackb(raw["bytes"])
        if message["t"] == "part":
            parts.append(message)
            if len(parts) == message["n"]:
                break
    joined = msgpack.unpackb(b"".join(p["data"] for p in parts))
    assert [p["i"] for p in parts] == list(range(len(parts)))
    assert joined["t"] == "batch"
    assert joined["id"] == newest
    assert big in str(msgpack.unpackb(joined["ev"]))
    await comm.disconnect()


async def test_tail_delivers_new_batches_to_every_watcher_with_latency_timestamps(
    agent_and_session, redis_db
):
    _, session, cookie = agent_and_session
    rec = live.StoreWriter(redis_db, session.pk)
    rec.send(live.page_events("https://shop.example/", [live.text("hi")]))
    watchers = [communicator(session.pk, cookie), communicator(session.pk, cookie)]
    for comm in watchers:
        await comm.connect()
        await frames_until(comm, "live")

    event = live.text_change(7, "typed")
    stream_id = await sync_to_async(rec.send)([event])
    for comm in watchers:
        batch = [f for f in await frames_until(comm, "batch")][-1]
        assert batch["id"] == stream_id
        assert msgpack.unpackb(batch["ev"]) == [event]
        assert batch["ts"] >= event["timestamp"]
        assert batch["now"] >= batch["ts"]
        await comm.disconnect()


async def test_watcher_far_behind_is_resynced_from_newest_snapshot(agent_and_session, redis_db, settings):
    settings.SUPPORTREPLAY_WATCH_MAX_PENDING_BATCHES = 3
    _, session, cookie = agent_and_session
    rec = live.StoreWriter(redis_db, session.pk)
    rec.send(live.page_events("https://shop.example/a", [live.text("a")]))
    comm = communicator(session.pk, cookie)
    await comm.connect()
    await frames_until(comm, "live")

    sent = [await sync_to_async(rec.send)([live.text_change(7, f"v{i}")]) for i in range(4)]
    received = [await frame(comm) for _ in range(4)]
    assert [f["id"] for f in received] == sent
    # The page has acknowledged nothing: the consumer stops sending the tail...
    backlog = [await sync_to_async(rec.send)([live.text_change(7, f"w{i}")]) for i in range(5)]
    newest = await sync_to_async(rec.send)(live.page_events("https://shop.example/b", [live.text("b")]))
    assert [f for f in await frames_for(comm, 1.5) if f["t"] != "status"] == []

    # ...and once the page has caught up, it jumps to the newest full snapshot, skipping the backlog.
    await comm.send_to(text_data=json.dumps({"t": "ack", "id": sent[-1]}))
    got = await frames_until(comm, "live")
    assert got[0] == {"t": "reset", "reason": "resync", "now": got[0]["now"]}
    assert [f["id"] for f in got if f["t"] == "batch"] == [newest]
    assert not set(backlog) & {f.get("id") for f in got}
    await comm.disconnect()


async def test_page_is_told_when_the_session_ends(agent_and_session, redis_db, monkeypatch):
    monkeypatch.setattr(watch, "DB_CHECK_EVERY_S", 0.2)
    _, session, cookie = agent_and_session
    rec = live.StoreWriter(redis_db, session.pk)
    rec.send(live.page_events("https://shop.example/", [live.text("hi")]))
    comm = communicator(session.pk, cookie)
    await comm.connect()
    await frames_until(comm, "live")

    last = await sync_to_async(rec.send)([live.text_change(7, "bye")])
    await RecordingSession.objects.filter(pk=session.pk).aupdate(state=SessionState.ENDED, end_reason="stop")
    got = await frames_until(comm, "ended")
    assert last in [f.get("id") for f in got]
    assert got[-1]["replay_url"] == f"/sessions/{session.pk}/"
    assert got[-1]["reason"] == "stop"
    assert (await comm.receive_output(1))["type"] == "websocket.close"
    await comm.disconnect()


async def test_end_session_reaches_the_watcher_within_about_a_second(agent_and_session, redis_db):
    _, session, cookie = agent_and_session
    live.StoreWriter(redis_db, session.pk).send(live.page_events("https://shop.example/", [live.text("hi")]))
    comm = communicator(session.pk, cookie)
    await comm.connect()
    await frames_until(comm, "live")
    assert await sync_to_async(end_session)(session.pk, EndReason.REVOKED)
    ended = (await frames_until(comm, "ended"))[-1]
    assert ended["reason"] == "revoked"
    await comm.disconnect()


async def test_status_frame_reports_customer_connection_and_counters(agent_and_session, redis_db):
    _, session, cookie = agent_and_session
    rec = live.StoreWriter(redis_db, session.pk)
    rec.send(live.page_events("https://shop.example/", [live.text("hi")]))
    comm = communicator(session.pk, cookie)
    await comm.connect()
    await frames_until(comm, "live")
    await sync_to_async(redis_db.hset)(keys.meta(session.pk), mapping={"connected": 0, "errors": 2})
    status = await frames_until(comm, "status")
    assert status[-1]["meta"]["connected"] == 0
    assert status[-1]["meta"]["errors"] == 2
    await comm.disconnect()
