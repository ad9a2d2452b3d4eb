"""Abuse against a real daphne: oversize frames and batches, a frame flood, link token guessing.

The server (tests/security/conftest.py) runs with a 256 KiB application frame limit and at most 4 parts
per batch, so every limit is reachable with small payloads.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import urllib.error
import urllib.request

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from sessions import store
from tests.helpers.wire import close_code, pack, recv
from tests.security.conftest import SERVER_ENV, ws_connect
from tests.sessions.factories import make_session
from tests.support.events import T0, console_event, meta_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

LIMIT = int(SERVER_ENV["SUPPORTREPLAY_MAX_FRAME_BYTES"])


async def ready_socket(server, live, tab: str = "t1"):
    ws = await ws_connect(f"{server.ws_url}/ws/ingest/", server.url)
    await ws.send(pack({"t": "hello", "cred": live.credential, "tab": tab, "page": 0}))
    assert (await recv(ws))["t"] == "ready"
    return ws


async def test_oversize_frames_and_batches_are_refused_and_nothing_is_stored(server, redis_db):
    live = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    big = [console_event("x" * (LIMIT + 100), ts=T0 + 1)]
    cases = [
        ([pack({"t": "events", "seq": 0, "events": big})], 4413),
        ([pack({"t": "part", "seq": 0, "i": 0, "n": 1, "data": b"p" * (LIMIT + 1)})], 4413),
        ([pack({"t": "part", "seq": 0, "i": 0, "n": 1000, "data": b"x"})], 4400),  # n over max_parts
        (
            [pack({"t": "events", "seq": 0, "events": [console_event("z", ts=T0 + 1)] * 2001})],
            4400,
        ),  # too many
        ([b"\x91" * 100_000 + b"\x90"], 4400),  # 100k nested arrays: refused without recursing
    ]
    for frames, expected in cases:
        ws = await ready_socket(server, live)
        try:
            for frame in frames:
                await ws.send(frame)
            assert await close_code(ws) == expected
        finally:
            await ws.close()
    text_ws = await ready_socket(server, live)
    await text_ws.send("{}")  # text frames are never accepted
    assert await close_code(text_ws) == 4400
    assert list(store.read_events(live.id)) == []


async def test_frame_flood_gets_4429_while_another_customer_keeps_streaming(server, redis_db):
    live = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    other = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    flood = await ready_socket(server, live)
    calm = await ready_socket(server, other)
    burst = settings.SUPPORTREPLAY_RATE_BURST_FRAMES
    frame = pack({"t": "events", "seq": 0, "events": [meta_event()]})  # a repeated seq: acked, stored once
    try:
        for _ in range(burst * 3):
            await flood.send(frame)
        assert await close_code(flood, timeout=10) == 4429
        await calm.send(pack({"t": "events", "seq": 0, "events": [meta_event()]}))
        assert await recv(calm) == {"t": "ack", "seq": 0}
    finally:
        await flood.close()
        await calm.close()
    assert [b.seq for b in store.read_events(live.id)] == [0]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


async def test_guessing_link_tokens_hits_the_rate_limit_with_answers_that_say_nothing(server, redis_db):
    limit = settings.SUPPORTREPLAY_LINK_RATE_PER_MINUTE
    if time.time() % 60 > 57:  # the limit counts per clock minute: stay inside one
        await asyncio.sleep(60 - time.time() % 60 + 0.1)
    guesses = [secrets.token_urlsafe(32) for _ in range(limit + 5)]
    answers = await asyncio.gather(*(asyncio.to_thread(_get, f"{server.url}/l/{g}") for g in guesses))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [410] * limit + [429] * 5
    gone = {body for status, body in answers if status == 410}
    assert len(gone) == 1, "every unknown token gets the same 410 page"
    log = server.log()
    assert not any(g in log for g in guesses), "a guessed token reached daphne's log"
