"""Replay data API: permissions, audit, and the same manifest and chunks from Redis and from the archive."""

import gzip
import json
import re

import pytest

from magiclinks.models import AuditEvent
from sessions import served_chunks
from sessions.archive import service
from sessions.views import replay as replay_views
from tests.magiclinks.factories import make_agent
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = pytest.mark.django_db(transaction=True)


def ended_session(minutes: int = 3):
    live = make_session()
    ingest(live.credential, checkout_session(minutes=minutes))
    return live.id


def get_json(client, url: str):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, response.status_code
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, json.loads(body)


def test_anonymous_agent_is_sent_to_the_admin_login(client, redis_db):
    url = f"/sessions/{make_session().id}/data/manifest"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


def test_logged_in_user_without_the_watch_permission_gets_403(client, redis_db):
    client.force_login(make_agent(permitted=False, staff=False))
    sid = make_session().id
    assert client.get(f"/sessions/{sid}/data/manifest").status_code == 403
    assert client.get(f"/sessions/{sid}/data/chunks/0").status_code == 403


def test_manifest_and_chunks_are_the_same_from_redis_and_from_the_archive(agent_client, redis_db, media):
    sid = ended_session()
    _, before = get_json(agent_client, f"/sessions/{sid}/data/manifest")
    chunks_before = [
        get_json(agent_client, f"/sessions/{sid}/data/chunks/{c['index']}")[1] for c in before["chunks"]
    ]

    assert service.archive_session(sid).status == "archived"
    _, after = get_json(agent_client, f"/sessions/{sid}/data/manifest")
    chunks_after = [
        get_json(agent_client, f"/sessions/{sid}/data/chunks/{c['index']}")[1] for c in after["chunks"]
    ]

    assert (before["source"], after["source"]) == ("redis", "archive")
    assert (before["state"], after["state"]) == ("ended", "archived")
    assert before["chunks"] == after["chunks"]
    assert len(after["chunks"]) == 4
    assert chunks_before == chunks_after
    assert {m["kind"] for m in after["markers"]} == {"error", "failed_request", "rage_click"}
    assert after["environment"]["browser"] == "Chrome 131"
    assert after["summary"]["clicks"] == before["summary"]["clicks"] > 0
    for events in chunks_after:
        assert [e["type"] for e in events if e["type"] in (2, 4)][:2] == [4, 2]
    assert not AuditEvent.objects.filter(action="session.replay").exists()  # the data API only reads


def test_the_replay_page_audits_each_open_and_the_first_frame_requests_only_read(
    agent_client, redis_db, media, django_assert_num_queries
):
    sid = ended_session(minutes=1)
    service.archive_session(sid)
    served_chunks.CACHE.clear()
    replays = AuditEvent.objects.filter(action="session.replay", object_id=str(sid))
    # Every request: the login session, the user, the user's and the groups' permissions, the recording.
    with django_assert_num_queries(6) as page:  # + the audit row
        assert agent_client.get(f"/sessions/{sid}/").status_code == 200
    with django_assert_num_queries(8):  # + the archive's digest, the archive row, the summary (first build)
        _, built = get_json(agent_client, f"/sessions/{sid}/data/manifest")
    with django_assert_num_queries(6) as kept_manifest:  # + the archive's digest (served from memory)
        _, kept = get_json(agent_client, f"/sessions/{sid}/data/manifest")
    assert kept == built
    assert len(built["chunks"]) == 2
    with django_assert_num_queries(7) as built_chunk:  # + the archive's digest, the archive row
        get_json(agent_client, f"/sessions/{sid}/data/chunks/0")
    with django_assert_num_queries(6) as kept_chunk:  # + the archive's digest (served from memory)
        get_json(agent_client, f"/sessions/{sid}/data/chunks/0")
    # None of them reads the session's summary (its stored steps) unless it builds the manifest.
    for queries in (page, kept_manifest, built_chunk, kept_chunk):
        assert not [q for q in queries.captured_queries if '"summary"' in q["sql"]]
    assert [e.detail for e in replays.all()] == [{"source": "archive"}]

    assert agent_client.get(f"/sessions/{sid}/").status_code == 200
    assert replays.all().count() == 2  # one per page view


def test_opening_a_live_sessions_page_is_not_audited_as_a_replay(agent_client, redis_db):
    sid = make_session().id
    assert agent_client.get(f"/sessions/{sid}/").status_code == 200
    assert not AuditEvent.objects.filter(action="session.replay").exists()


def test_archived_chunks_are_compressed_and_privately_cacheable(agent_client, redis_db, media):
    sid = ended_session(minutes=1)
    service.archive_session(sid)
    response, events = get_json(agent_client, f"/sessions/{sid}/data/chunks/0")
    assert response["Content-Encoding"] == "gzip"
    assert "private" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert events[0]["type"] in (4, 5)


def test_an_archived_chunk_is_built_once_and_revalidated_by_etag(agent_client, redis_db, media):
    sid = ended_session(minutes=1)
    service.archive_session(sid)
    served_chunks.CACHE.clear()
    url = f"/sessions/{sid}/data/chunks/0"
    first, events = get_json(agent_client, url)
    assert len(served_chunks.CACHE) == 1
    second, again = get_json(agent_client, url)
    assert again == events
    assert first["ETag"] == second["ETag"]
    assert "Accept-Encoding" in first["Vary"]
    assert "Cookie" in first["Vary"]
    assert agent_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # A client that takes no gzip gets the same JSON uncompressed.
    plain = agent_client.get(url)
    assert "Content-Encoding" not in plain
    assert json.loads(plain.content) == events


def test_a_chunk_read_from_redis_is_not_cached(agent_client, redis_db, media):
    sid = ended_session(minutes=1)
    served_chunks.CACHE.clear()
    response, events = get_json(agent_client, f"/sessions/{sid}/data/chunks/0")
    assert events[0]["type"] in (4, 5)
    assert len(served_chunks.CACHE) == 0
    assert "ETag" not in response
    assert "no-cache" in response["Cache-Control"]


def test_the_served_chunk_cache_keeps_its_byte_bound_dropping_the_least_recently_used():
    cache = served_chunks.ByteBoundedLRU(10)
    cache.put("a", b"1234")
    cache.put("b", b"5678")
    assert cache.get("a") == b"1234"  # a is now the most recent
    cache.put("c", b"90ab")  # 12 bytes > 10: b goes
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"1234", None, b"90ab")
    assert cache.size == 8
    cache.put("huge", b"x" * 11)  # larger than the bound: not kept, nothing evicted
    assert cache.get("huge") is None
    assert len(cache) == 2


def test_replay_page_opened_at_a_time_preloads_the_archived_chunk_of_that_moment(
    agent_client, redis_db, media
):
    sid = ended_session()
    service.archive_session(sid)
    _, manifest = get_json(agent_client, f"/sessions/{sid}/data/manifest")
    third = manifest["chunks"][2]
    seconds = (third["start_ts"] + 500 - manifest["start_ts"]) / 1000
    for t in (f"{seconds:.1f}", f"{seconds:.1f}s", f"{int(seconds) // 60}:{int(seconds) % 60 + 1:02d}"):
        page = agent_client.get(f"/sessions/{sid}/?t={t}").content.decode()
        preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="fetch"', page)
        assert preloads == [
            f"/sessions/{sid}/data/manifest",
            f"/sessions/{sid}/data/chunks/{third['index']}",
        ], t
    page = agent_client.get(f"/sessions/{sid}/?t=nonsense").content.decode()
    assert re.findall(r'<link rel="preload" href="([^"]+)"', page) == [f"/sessions/{sid}/data/manifest"]


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("90", 90), ("90.5s", 90.5), ("1m30s", 90), ("1h", 3600), ("2m", 120), ("1:30", 90), ("1:02:03", 3723)],
)
def test_start_seconds_reads_t_like_the_player(raw, seconds):
    assert replay_views.start_seconds(raw) == seconds


def test_start_seconds_refuses_what_the_player_refuses():
    assert replay_views.start_seconds("") is None
    assert replay_views.start_seconds("1:2:3:4") is None
    assert replay_views.start_seconds("abc") is None


def test_unknown_chunk_and_live_session_answer_404(agent_client, redis_db, media):
    sid = ended_session(minutes=1)
    assert agent_client.get(f"/sessions/{sid}/data/chunks/99").status_code == 404
    live = make_session()
    assert agent_client.get(f"/sessions/{live.id}/data/manifest").status_code == 404
