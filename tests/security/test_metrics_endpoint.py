"""`/metrics`: only agents or the configured bearer token; Prometheus text that moves with real traffic."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.test import Client

from sessions.archive import service
from sessions.models import RecordingSession, SessionState
from supportreplay import metrics
from tests.helpers import live
from tests.helpers.wire import pack, recv
from tests.security.conftest import SERVER_ENV, ws_connect
from tests.sessions.factories import make_session
from tests.support.events import full_snapshot_event, meta_event, mouse_move_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

TOKEN = SERVER_ENV["SUPPORTREPLAY_METRICS_TOKEN"]
SAMPLE = re.compile(
    r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_]+="[^"]*"(,[a-zA-Z_]+="[^"]*")*\})? [-+0-9.eInf]+$'
)


def parse(text: str) -> dict[str, float]:
    """Every sample line must be valid exposition; returns {name{labels}: value}."""
    values = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$", line), line
            continue
        assert SAMPLE.match(line), line
        name, value = line.rsplit(" ", 1)
        values[name] = float(value)
    return values


def test_metrics_answer_only_agents_and_the_configured_bearer_token(settings):
    url = "/metrics"
    settings.SUPPORTREPLAY_METRICS_TOKEN = ""
    assert Client().get(url).status_code == 401
    assert Client().get(url, HTTP_AUTHORIZATION="Bearer ").status_code == 401  # no token: bearer is off
    settings.SUPPORTREPLAY_METRICS_TOKEN = TOKEN
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 401
    assert Client().get(url, HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    ok = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain; version=0.0.4")
    outsider, agent = Client(), Client()
    outsider.force_login(live.make_agent("outsider", permitted=False))
    agent.force_login(live.make_agent("agent"))
    assert outsider.get(url).status_code == 403
    assert agent.get(url).status_code == 200
    parse(agent.get(url).content.decode())


def test_bearer_comparison_refuses_when_no_token_is_configured(settings):
    settings.SUPPORTREPLAY_METRICS_TOKEN = ""
    assert not metrics.bearer_allowed("Bearer ")
    assert not metrics.bearer_allowed("Bearer anything")
    settings.SUPPORTREPLAY_METRICS_TOKEN = TOKEN
    assert metrics.bearer_allowed(f"bearer {TOKEN}")


def scrape(server) -> dict[str, float]:
    request = urllib.request.Request(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return parse(response.read().decode())


async def test_metrics_count_real_ingest_live_sessions_stream_memory_and_archive_runs(
    server, redis_db, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    before = scrape(server)
    live_session = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    batches = [
        [meta_event(), full_snapshot_event()],
        [mouse_move_event(), mouse_move_event()],
        [mouse_move_event()],
    ]
    async with ws_connect(f"{server.ws_url}/ws/ingest/", server.url) as ws:
        await ws.send(pack({"t": "hello", "cred": live_session.credential, "tab": "t1", "page": 0}))
        await recv(ws)
        for seq, events in enumerate(batches):
            await ws.send(pack({"t": "events", "seq": seq, "events": events}))
            assert (await recv(ws))["t"] == "ack"
        after = scrape(server)
    assert after["supportreplay_ingest_events_total"] - before["supportreplay_ingest_events_total"] == 5
    assert after["supportreplay_ingest_batches_total"] - before["supportreplay_ingest_batches_total"] == 3
    ack_count = (
        after["supportreplay_ingest_ack_seconds_count"] - before["supportreplay_ingest_ack_seconds_count"]
    )
    assert ack_count == 3
    assert after['supportreplay_sessions{state="live"}'] >= 1
    assert after["supportreplay_redis_stream_bytes"] > 0
    assert after["supportreplay_ingest_connected_sockets"] == 1
    assert after["process_resident_memory_bytes"] > 10_000_000

    # The archive task's wrapper around the real verb: one archive, one rerun, one failing run.
    await ws_bye(server, live_session)
    await sync_to_async(ended)(live_session.id)
    for sid, expected in ((live_session.id, "archived"), (live_session.id, "already_archived")):
        outcome = await sync_to_async(metrics.observe_archive)(service.archive_session, str(sid))
        assert outcome.status == expected
    with pytest.raises(ValidationError):
        await sync_to_async(metrics.observe_archive)(service.archive_session, "not-a-session-id")
    runs = scrape(server)
    assert runs['supportreplay_archive_runs_total{outcome="archived"}'] == 1
    assert runs['supportreplay_archive_runs_total{outcome="already_archived"}'] == 1
    assert runs['supportreplay_archive_runs_total{outcome="failed"}'] == 1
    assert runs["supportreplay_archive_duration_seconds_count"] == 1
    assert runs['supportreplay_sessions{state="archived"}'] >= 1


async def ws_bye(server, live_session) -> None:
    async with ws_connect(f"{server.ws_url}/ws/ingest/", server.url) as ws:
        await ws.send(pack({"t": "hello", "cred": live_session.credential, "tab": "t1", "page": 0}))
        await recv(ws)
        await ws.send(pack({"t": "bye", "reason": "stop"}))
        await ws.wait_closed()


def ended(session_id, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while RecordingSession.objects.get(pk=session_id).state != SessionState.ENDED:
        assert time.monotonic() < deadline, "the session did not end"
        time.sleep(0.02)
