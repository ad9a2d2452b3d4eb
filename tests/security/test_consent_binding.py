"""Finding 7 (issue 12), wire level against a real daphne: a recording credential belongs to the first
browser (device secret) that uses it; a forwarded credential presented by another device stores nothing.
The browser-level proof with two real Chromium profiles is tests/e2e/test_consent_forwarding.py."""

from __future__ import annotations

import secrets
import time
from unittest import mock

import pytest
from channels.db import database_sync_to_async

from sessions import credentials, store
from tests.helpers.wire import close_code, pack, recv
from tests.security.conftest import ws_connect
from tests.sessions.factories import make_session
from tests.support.events import meta_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def _device() -> str:
    return secrets.token_hex(16)


async def _hello(server, credential: str, device: str, tab: str):
    ws = await ws_connect(f"{server.ws_url}/ws/ingest/", server.url).__aenter__()
    await ws.send(pack({"t": "hello", "cred": credential, "tab": tab, "page": 0, "dev": device}))
    return ws


async def _record_one_batch(ws) -> None:
    assert (await recv(ws))["t"] == "ready"
    await ws.send(pack({"t": "events", "seq": 0, "events": [meta_event()]}))
    assert (await recv(ws))["t"] == "ack"
    await ws.close()


def _tabs(session_id) -> set[str]:
    return {batch.tab for batch in store.read_events(session_id)}


async def test_a_forwarded_credential_is_refused_in_another_browser_and_stores_nothing(server, redis_db):
    session = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    consenting, forwarded_to = _device(), _device()

    await _record_one_batch(await _hello(server, session.credential, consenting, "consenting-tab"))
    stranger = await _hello(server, session.credential, forwarded_to, "stranger-tab")
    assert await close_code(stranger) == 4409
    # The consenting browser keeps working: a reload, or another tab of the same profile.
    await _record_one_batch(await _hello(server, session.credential, consenting, "second-tab"))
    # A raw client that leaves the device out is another device too.
    assert await close_code(await _hello(server, session.credential, "", "no-device")) == 4409
    assert await database_sync_to_async(_tabs)(session.id) == {"consenting-tab", "second-tab"}


async def test_an_unclaimed_credential_cannot_be_claimed_after_the_claim_window(server, redis_db):
    session = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    long_ago = time.time() - 3600  # an hour ago: within the session's life, past SUPPORTREPLAY_CLAIM_SECONDS
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        old_credential = credentials.issue(session.id)
    ws = await _hello(server, old_credential, _device(), "late-tab")
    assert await close_code(ws) == 4409
    assert await database_sync_to_async(_tabs)(session.id) == set()


async def test_a_malformed_device_secret_is_a_malformed_hello(server, redis_db):
    session = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    for device in ("x" * 129, "with space", 12345):
        ws = await _hello(server, session.credential, device, "tab")
        assert await close_code(ws) == 4400, device
