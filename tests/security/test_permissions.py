"""Who may see recordings: an agent without the permission gets nothing, anywhere, and random session ids
tell an outsider nothing (missing and existing sessions answer alike)."""

from __future__ import annotations

import re
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Permission
from django.test import Client

from sessions.archive.service import archive_session
from sessions.models import RecordingSession, SessionState
from tests.helpers import live
from tests.helpers.wire import close_code, recv
from tests.security.conftest import ws_connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

SESSION_PATHS = [
    "/sessions/{id}/",
    "/sessions/{id}/live",
    "/sessions/{id}/data/manifest",
    "/sessions/{id}/data/chunks/0",
    "/sessions/{id}/data/steps",
    "/sessions/{id}/notes",
    "/sessions/{id}/export/events.json",
    "/sessions/{id}/export/network.har",
    "/sessions/{id}/export/report.md",
    "/sessions/{id}/export/playwright.zip",
    "/sessions/{id}/export/replay.html",
]
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
ALL_PATHS = ["/sessions/", "/sessions/rows.json", "/metrics", "/notifications/poll", *SESSION_PATHS]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def archived_session(redis_db, agent) -> RecordingSession:
    session = live.make_session(agent)
    live.StoreWriter(redis_db, session.pk).send(live.page_events("https://shop.example/", [live.text("hi")]))
    RecordingSession.objects.filter(pk=session.pk).update(state=SessionState.ENDED, end_reason="stop")
    assert archive_session(session.pk).status == "archived"
    return session


@pytest.fixture
def people(redis_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    agent = live.make_agent("agent")
    outsider = live.make_agent("outsider", permitted=False)  # staff, logged in, not a Support agent
    return agent, outsider, archived_session(redis_db, agent)


def test_agent_without_permission_gets_403_on_every_page_api_export_and_metrics(people):
    agent, outsider, session = people
    client = logged_in(outsider)
    for path in ALL_PATHS:
        url = path.format(id=session.pk)
        assert client.get(url).status_code == 403, url
    # Positive control: the same URLs answer the permitted agent.
    allowed = logged_in(agent)
    for path in ALL_PATHS:
        url = path.format(id=session.pk)
        assert allowed.get(url).status_code == 200, url


def test_watch_permission_alone_does_not_allow_exports(people):
    agent, _outsider, session = people
    agent.user_permissions.clear()
    agent.groups.clear()
    agent.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recordings",
            codename__in=["view_recordingsession", "watch_recordingsession"],
        )
    )
    client = logged_in(agent)
    assert client.get(f"/sessions/{session.pk}/").status_code == 200
    for path in [p for p in SESSION_PATHS if "/export/" in p]:
        assert client.get(path.format(id=session.pk)).status_code == 403


def _answer(client: Client, url: str) -> tuple[int, bytes, str]:
    response = client.get(url)
    location = response.get("Location", "")
    body = CSRF.sub(b"", response.content)  # masked anew for every response: not about the id
    return response.status_code, body, location.replace(url.split("/")[2], "<id>")


def test_random_session_ids_answer_like_existing_ones_for_outsiders(people):
    """No oracle for ids: an anonymous visitor and an agent without permission get byte-identical answers
    for an existing session and for random UUIDs (the permission is checked before the lookup)."""
    agent, outsider, session = people
    for client in (Client(), logged_in(outsider)):
        for path in SESSION_PATHS:
            existing = _answer(client, path.format(id=session.pk))
            for _ in range(3):
                assert _answer(client, path.format(id=uuid.uuid4())) == existing, path
    # A permitted agent may see every session anyway: a missing one is a plain 404 without detail.
    client = logged_in(agent)
    answers = {
        (r.status_code, r.content) for r in (client.get(f"/sessions/{uuid.uuid4()}/") for _ in range(3))
    }
    assert len(answers) == 1
    assert answers.pop()[0] == 404


async def test_watch_socket_refuses_outsiders_and_anonymous_alike_for_any_session_id(server, people):
    agent, outsider, session = people
    cookie = await database_sync_to_async(live.session_cookie)(outsider)
    for sid in (session.pk, uuid.uuid4(), uuid.uuid4()):
        url = f"{server.ws_url}/ws/watch/{sid}/"
        async with ws_connect(url, server.url, cookie) as ws:
            assert await close_code(ws) == 4403
        async with ws_connect(url, server.url) as ws:
            assert await close_code(ws) == 4401
    # Positive control: the permitted agent is let in (and told the session is archived).
    agent_cookie = await database_sync_to_async(live.session_cookie)(agent)
    async with ws_connect(f"{server.ws_url}/ws/watch/{session.pk}/", server.url, agent_cookie) as ws:
        hello = await recv(ws)
        assert (hello["t"], hello["state"]) == ("hello", "archived")
