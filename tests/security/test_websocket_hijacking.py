"""Cross-site websocket hijacking against a real daphne: a page on another site must not be able to write
into a recording (ingest socket) or read one (watch socket, which rides on the agent's session cookie)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from websockets.exceptions import InvalidStatus

from sessions import credentials, store
from tests.helpers import live
from tests.helpers.wire import close_code, pack, recv
from tests.security.conftest import ws_connect
from tests.sessions.factories import make_session
from tests.support.events import meta_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

EVIL = "https://evil.example"


async def refused_at_handshake(url: str, origin: str | None, cookie: str | None = None) -> int:
    with pytest.raises(InvalidStatus) as refused:
        async with ws_connect(url, origin, cookie):
            pass
    return refused.value.response.status_code


async def test_ingest_refuses_foreign_missing_and_null_origins_before_accept(server, redis_db):
    await database_sync_to_async(make_session)(f"{server.url}/demo/")
    url = f"{server.ws_url}/ws/ingest/"
    for origin in (EVIL, None, "null", f"http://127.0.0.1.evil.example:{server.port}", "file://"):
        assert await refused_at_handshake(url, origin) == 403, origin


async def test_ingest_with_a_valid_origin_but_no_usable_credential_stores_nothing(server, redis_db):
    session = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    url = f"{server.ws_url}/ws/ingest/"
    forged = credentials.issue(session.id)[:-4] + "AAAA"  # right session id, wrong signature
    attempts = [
        None,  # says nothing: closed when the hello deadline passes
        {"t": "events", "seq": 0, "events": [meta_event()]},  # events before hello
        {"t": "hello", "tab": "t1", "page": 0},  # no credential
        {"t": "hello", "cred": forged, "tab": "t1", "page": 0},
        {"t": "hello", "cred": "x" * 60, "tab": "t1", "page": 0},
    ]
    for frame in attempts:
        async with ws_connect(url, server.url) as ws:
            if frame is not None:
                await ws.send(pack(frame))
            assert await close_code(ws) == 4401, frame
    assert list(store.read_events(session.id)) == []


async def test_ingest_from_another_links_origin_cannot_write_this_session(server, redis_db):
    ours = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    # Another customer's live link targets another site: that origin passes the cheap pre-accept check...
    await database_sync_to_async(make_session)("https://other-shop.example/")
    async with ws_connect(f"{server.ws_url}/ws/ingest/", "https://other-shop.example") as ws:
        await ws.send(pack({"t": "hello", "cred": ours.credential, "tab": "t1", "page": 0}))
        assert await close_code(ws) == 4403  # ...but may not write into a session of another target
    assert list(store.read_events(ours.id)) == []


async def test_watch_socket_refuses_foreign_and_missing_origins_even_with_an_agent_cookie(server, redis_db):
    agent = await database_sync_to_async(live.make_agent)("watcher")
    session = await database_sync_to_async(live.make_session)(agent)
    cookie = await database_sync_to_async(live.session_cookie)(agent)
    url = f"{server.ws_url}/ws/watch/{session.pk}/"
    for origin in (EVIL, None, "null"):
        assert await refused_at_handshake(url, origin, cookie) == 403, origin
    async with ws_connect(url, server.url) as ws:  # right origin, no credential
        assert await close_code(ws) == 4401
    async with ws_connect(url, server.url, cookie) as ws:  # positive control
        assert (await recv(ws))["t"] == "hello"
