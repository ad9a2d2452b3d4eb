"""Agent pages: who may see them, what the sessions list shows and how it filters, the rows endpoint."""

import pytest
from django.test import Client

from sessions import keys
from sessions.models import SessionArchive, SessionState
from tests.helpers import live

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent():
    return live.make_agent()


@pytest.mark.parametrize(
    "path", ["/sessions/", "/sessions/rows.json", "/sessions/{id}/live", "/sessions/{id}/"]
)
def test_anonymous_agent_pages_redirect_to_admin_login_with_next(path, agent):
    session = live.make_session(agent)
    url = path.format(id=session.pk)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert url.split("/")[2] in response["Location"] or url == "/sessions/"


@pytest.mark.parametrize(
    "path", ["/sessions/", "/sessions/rows.json", "/sessions/{id}/live", "/sessions/{id}/"]
)
def test_logged_in_user_without_watch_permission_gets_403(path, agent):
    session = live.make_session(agent)
    outsider = live.make_agent("outsider", permitted=False)
    assert signed_in(outsider).get(path.format(id=session.pk)).status_code == 403


def test_replay_page_carries_a_strict_csp_and_the_data_api_urls(agent):
    session = live.make_session(agent, state=SessionState.ENDED)
    response = signed_in(agent).get(f"/sessions/{session.pk}/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert b'"manifest": "/sessions/' in response.content


def preloaded(response) -> list[str]:
    import re

    return re.findall(r'<link rel="preload" href="([^"]+)" as="fetch"', response.content.decode())


def test_replay_page_preloads_the_manifest_and_chunk_0_from_its_head(agent):
    session = live.make_session(agent, state=SessionState.ENDED)
    client = signed_in(agent)
    base = f"/sessions/{session.pk}/data"
    assert preloaded(client.get(f"/sessions/{session.pk}/")) == [f"{base}/manifest", f"{base}/chunks/0"]
    # Opened at a time: the chunk depends on the manifest, so only the manifest is asked for early.
    assert preloaded(client.get(f"/sessions/{session.pk}/?t=90")) == [f"{base}/manifest"]


def test_replay_page_of_a_live_session_preloads_nothing(agent):
    session = live.make_session(agent)
    assert preloaded(signed_in(agent).get(f"/sessions/{session.pk}/")) == []


def test_live_page_renders_player_config_for_the_watch_socket(agent):
    session = live.make_session(agent)
    response = signed_in(agent).get(f"/sessions/{session.pk}/live")
    assert response.status_code == 200
    assert f'"ws": "/ws/watch/{session.pk}/"'.encode() in response.content


def test_unknown_session_is_404(agent):
    assert signed_in(agent).get("/sessions/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_list_shows_live_sessions_first_with_counters_from_redis(agent, redis_db):
    ended = live.make_session(agent, state=SessionState.ENDED, customer="Old Ended", error_count=4)
    archived = live.make_session(agent, state=SessionState.ARCHIVED, customer="Arch Ived")
    SessionArchive.objects.create(
        session=archived, storage_name="x", codec="zstd", stored_bytes=2_560_000, sha256="0"
    )
    live_one = live.make_session(agent, customer="Lively Person")
    live_one.started_at = ended.started_at.replace(year=2020)  # older, still listed first
    live_one.save()
    redis_db.hset(
        keys.meta(live_one.pk),
        mapping={"errors": 3, "failed_requests": 2, "page_url": "https://shop.example/pay", "connected": 1},
    )
    response = signed_in(agent).get("/sessions/")
    html = response.content.decode()
    assert html.index("Lively Person") < html.index("Old Ended")
    row = response.context["rows"][0]
    assert (row.customer, row.errors, row.failed_requests, row.page_url, row.connected) == (
        "Lively Person",
        3,
        2,
        "https://shop.example/pay",
        True,
    )
    archived_row = next(r for r in response.context["rows"] if r.customer == "Arch Ived")
    assert archived_row.size_label == "2.4 MB"
    assert next(r for r in response.context["rows"] if r.customer == "Old Ended").errors == 4


def test_list_filters_by_state_errors_agent_and_search(agent, redis_db):
    other = live.make_agent("other-agent")
    a = live.make_session(agent, customer="Alice Alpha", ticket="ZD-1")
    b = live.make_session(agent, state=SessionState.ENDED, customer="Bob Beta", ticket="ZD-2", error_count=1)
    c = live.make_session(
        other, state=SessionState.ENDED, customer="Cy Gamma", page_url="https://shop.example/refund"
    )
    redis_db.hset(keys.meta(a.pk), mapping={"errors": 1})
    client = signed_in(agent)

    def names(query: str) -> set[str]:
        return {r.customer for r in client.get("/sessions/?" + query).context["rows"]}

    assert names("state=live") == {"Alice Alpha"}
    assert names("errors=1") == {"Alice Alpha", "Bob Beta"}
    assert names("state=ended&errors=1") == {"Bob Beta"}
    assert names(f"agent={other.pk}") == {"Cy Gamma"}
    assert names("q=zd-2") == {"Bob Beta"}
    assert names("q=refund") == {"Cy Gamma"}
    assert names("q=beta") == {"Bob Beta"}
    assert names(f"link={c.link_id}") == {"Cy Gamma"}
    assert names("state=bogus") == {"Alice Alpha", "Bob Beta", "Cy Gamma"}
    redis_db.hset(keys.meta(a.pk), mapping={"errors": 0})
    assert names("errors=1") == {"Bob Beta"}
    # An ended session's row shows the counters copied to the database, not a live meta's.
    rows = client.get("/sessions/?state=ended&errors=1").context["rows"]
    assert [(row.customer, row.errors) for row in rows] == [(b.link.customer_name, 1)]


def test_list_is_paginated(agent):
    for i in range(30):
        live.make_session(agent, state=SessionState.ENDED, customer=f"Customer {i:02d}")
    client = signed_in(agent)
    first = client.get("/sessions/")
    second = client.get("/sessions/?page=2")
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_rows_endpoint_returns_current_rows_and_live_count(agent, redis_db):
    session = live.make_session(agent, customer="Polled Person")
    redis_db.hset(keys.meta(session.pk), mapping={"page_url": "https://shop.example/step-3", "connected": 1})
    data = signed_in(agent).get("/sessions/rows.json").json()
    assert data["live"] == 1
    assert data["count"] == 1
    assert "Polled Person" in data["html"]
    assert "shop.example/step-3" in data["html"]


def test_customer_supplied_text_is_escaped_in_the_list(agent):
    live.make_session(agent, customer="<img src=x onerror=alert(1)>")
    html = signed_in(agent).get("/sessions/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
