"""The ingest socket through a real daphne process and a real websocket client (the `websockets` package).

One daphne for the module, with a 256 KiB application frame limit, so both size answers are visible:
frames over SUPPORTREPLAY_MAX_FRAME_BYTES get 4413 from the consumer; messages over daphne's own 1 MiB
transport cap never reach the application: autobahn (failByDrop) drops the TCP connection without a
close frame, so the client sees 1006 (docs/PROTOCOL.md says what a client does with each).
"""

import asyncio
import sys
import time
from pathlib import Path

import pytest
import redis
from channels.db import database_sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from sessions import keys, services, store
from sessions.models import EndReason
from tests.helpers.processes import spawn_daphne
from tests.helpers.wire import close_code, pack, recv
from tests.sessions.factories import make_session
from tests.support.events import T0, console_event, full_snapshot_event, meta_event, mouse_move_event

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import localredis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

APP_LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    proc = spawn_daphne(SUPPORTREPLAY_MAX_FRAME_BYTES=str(APP_LIMIT))
    try:
        yield proc
    finally:
        proc.stop()


def open_socket(server, origin: str | None = None):
    return connect(
        f"{server.ws_url}/ws/ingest/",
        origin=origin or server.url,
        open_timeout=10,
        max_size=None,
        ping_interval=None,
    )


async def target_session(server, **fields):
    return await database_sync_to_async(make_session)(f"{server.url}/demo/", **fields)


async def test_happy_path_and_resend_after_reconnect_through_daphne(server, redis_db):
    live = await target_session(server)
    batches = [[meta_event(href=f"{server.url}/demo/"), full_snapshot_event()], [mouse_move_event()]]
    async with open_socket(server) as ws:
        await ws.send(pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 0}))
        ready = await recv(ws)
        assert (ready["t"], ready["acked"], ready["options"]["max_frame"]) == ("ready", -1, APP_LIMIT)
        for seq, events in enumerate(batches):
            await ws.send(pack({"t": "events", "seq": seq, "events": events}))
            assert await recv(ws) == {"t": "ack", "seq": seq}
    async with open_socket(server) as ws:
        await ws.send(pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 1}))
        assert (await recv(ws))["acked"] == 1
        await ws.send(pack({"t": "events", "seq": 1, "events": batches[1]}))  # the ack was lost: resend
        assert await recv(ws) == {"t": "ack", "seq": 1}
    assert [(b.seq, b.events) for b in store.read_events(live.id)] == list(enumerate(batches))
    deadline = time.monotonic() + 3
    while store.read_meta(live.id).connected and time.monotonic() < deadline:
        await asyncio.sleep(0.02)  # daphne counts the socket down once it has seen the close
    assert store.read_meta(live.id).connected == 0


async def test_snapshot_bigger_than_a_frame_goes_through_as_parts(server, redis_db):
    live = await target_session(server)
    events = [meta_event(), full_snapshot_event(text="lorem ipsum " * 50_000)]  # ~600 KB
    blob = pack(events)
    chunks = [blob[i : i + 200_000] for i in range(0, len(blob), 200_000)]
    async with open_socket(server) as ws:
        await ws.send(pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 0}))
        await recv(ws)
        for i, chunk in enumerate(chunks):
            await ws.send(pack({"t": "part", "seq": 0, "i": i, "n": len(chunks), "data": chunk}))
        assert await recv(ws) == {"t": "ack", "seq": 0}
    [stored] = store.read_events(live.id)
    assert stored.full
    assert stored.events == events


async def test_frame_over_the_app_limit_gets_4413_and_over_daphnes_cap_is_dropped(server, redis_db):
    live = await target_session(server)
    for size, expected in ((APP_LIMIT + 1000, 4413), (1024 * 1024 + 1000, 1006)):
        async with open_socket(server) as ws:
            await ws.send(pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 0}))
            await recv(ws)
            await ws.send(pack({"t": "events", "seq": 0, "events": [console_event("x" * size, ts=T0 + 1)]}))
            assert await close_code(ws) == expected
    assert list(store.read_events(live.id)) == []


async def test_foreign_origin_is_refused_at_the_handshake(server, redis_db):
    await target_session(server)
    with pytest.raises(InvalidStatus) as refused:
        async with open_socket(server, origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_revoke_tells_a_live_socket_to_stop_and_closes_it_4410(server, redis_db):
    live = await target_session(server)
    async with open_socket(server) as ws:
        await ws.send(pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 0}))
        await recv(ws)
        # No wall-clock limit on shared CI cores: the deadlines only bound a stuck test.
        await database_sync_to_async(services.end_session)(live.id, EndReason.REVOKED)
        assert await recv(ws, timeout=5) == {"t": "stop"}
        assert await close_code(ws, timeout=5) == 4410


async def test_redis_refusing_writes_gets_1011_from_daphne_and_nothing_half_stored(redis_db):
    url, redis_proc = localredis.start_private()
    private = redis.Redis.from_url(url)
    try:
        proc = spawn_daphne(TEST_REDIS_URL=url)
        try:
            live = await target_session(proc)
            async with open_socket(proc) as ws:
                await ws.send(pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 0}))
                await recv(ws)
                await ws.send(pack({"t": "events", "seq": 0, "events": [mouse_move_event()]}))
                assert await recv(ws) == {"t": "ack", "seq": 0}
                private.config_set("maxmemory", "1")
                await ws.send(pack({"t": "events", "seq": 1, "events": [mouse_move_event()]}))
                assert await close_code(ws) == 1011
            # The daphne child uses the private server with this test slot's DB number.
            db = redis.Redis.from_url(
                url.rsplit("/", 1)[0] + f"/{redis_db.connection_pool.connection_kwargs['db']}"
            )
            assert db.xlen(keys.events(live.id)) == 1
            assert db.hget(keys.acked(live.id), "t1") == b"0"
        finally:
            proc.stop()
    finally:
        private.close()
        redis_proc.terminate()
        redis_proc.wait(10)
