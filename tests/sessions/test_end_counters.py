"""Counters and the last page reach the database when a session ends (issue 16): the sessions list, its
"has errors" filter and the replay page show true numbers for ended sessions, also when the archive fails."""

import pytest
from django.test import Client

from sessions import protocol, services, store
from sessions.archive import service
from sessions.models import ArchiveStatus, EndReason, RecordingSession, SessionState
from tests.helpers import live
from tests.sessions.factories import make_session
from tests.support.events import T0, console_event, full_snapshot_event, meta_event, network_event

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT = "http://testserver/demo/checkout?step=pay"


def record(session_id, seq: int, events: list[dict]) -> None:
    result = store.append_batch_sync(session_id, "tab-1", seq, events, protocol.batch_stats(events))
    assert result.stored


def record_a_failing_checkout(session_id) -> None:
    store.open_meta_sync(session_id)
    record(session_id, 0, [meta_event(T0), full_snapshot_event(T0)])
    record(session_id, 1, [meta_event(T0 + 10, href=CHECKOUT), full_snapshot_event(T0 + 10)])
    record(
        session_id,
        2,
        [console_event("boom", level="error", ts=T0 + 20), network_event(status=500, ts=T0 + 30)],
    )


@pytest.mark.parametrize(
    "reason", [EndReason.STOP, EndReason.IDLE, EndReason.MAX_DURATION, EndReason.REVOKED]
)
def test_ending_a_session_copies_counters_and_last_page_to_the_database(redis_db, reason):
    live_session = make_session()
    record_a_failing_checkout(live_session.id)

    assert services.end_session(live_session.id, reason)

    row = RecordingSession.objects.get(pk=live_session.id)
    assert (row.state, row.end_reason) == (SessionState.ENDED, reason)
    assert (row.error_count, row.failed_request_count, row.event_count) == (1, 1, 6)
    assert row.raw_bytes > 0
    assert row.last_page_url == CHECKOUT


def test_idle_sweep_copies_the_counters_too(redis_db):
    live_session = make_session(started_minutes_ago=30)
    record_a_failing_checkout(live_session.id)
    store.get_redis().hset(store.keys.meta(live_session.id), "last_activity", 1)

    assert services.end_idle_sessions() == [live_session.id]
    assert RecordingSession.objects.get(pk=live_session.id).error_count == 1


def test_list_filter_and_replay_page_show_an_ended_session_whose_archive_failed(redis_db, settings, media):
    agent = live.make_agent()
    live_session = make_session(agent=agent)
    record_a_failing_checkout(live_session.id)
    services.end_session(live_session.id, EndReason.STOP)
    clean = make_session(agent=agent)
    services.end_session(clean.id, EndReason.STOP)
    # The archive fails (storage refuses writes): the copied counters stay.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.sessions.test_end_counters.NoWrites"},
    }
    with pytest.raises(OSError):
        service.archive_session(live_session.id)
    row = RecordingSession.objects.get(pk=live_session.id)
    assert (row.state, row.archive_status, row.error_count) == (SessionState.ENDED, ArchiveStatus.FAILED, 1)

    client = Client()
    client.force_login(agent)
    with_errors = client.get("/sessions/?errors=1").content.decode()
    assert str(live_session.id) in with_errors
    assert str(clean.id) not in with_errors
    listing = client.get("/sessions/").content.decode()
    assert "checkout?step=pay" in listing
    replay = client.get(f"/sessions/{live_session.id}/").content.decode()
    assert "checkout?step=pay" in replay


def test_ending_a_session_redis_never_saw_leaves_zero_counters(redis_db):
    live_session = make_session()
    assert services.end_session(live_session.id, EndReason.REVOKED)
    row = RecordingSession.objects.get(pk=live_session.id)
    assert (row.error_count, row.event_count, row.last_page_url) == (0, 0, "")


def test_one_read_model_parses_every_meta_field():
    raw = {b"status": b"live", b"errors": b"3", b"connected": b"1", b"page_url": b"http://x/", b"odd": b"?"}
    meta = store.parse_meta(raw)
    assert (meta.status, meta.errors, meta.connected, meta.page_url, meta.events) == (
        "live",
        3,
        1,
        "http://x/",
        0,
    )
    assert store.parse_meta({}) is None


class NoWrites:
    """A storage that refuses every write, like a full disk or a bucket without permission."""

    def __init__(self, **_options):
        pass

    def exists(self, name):
        return False

    def save(self, name, content, max_length=None):
        raise OSError("storage refuses writes")

    def delete(self, name):
        pass


def test_the_watch_page_reads_the_meta_through_the_same_model():
    from sessions import stream_tail

    raw = {b"status": b"live", b"errors": b"2", b"connected": b"x", b"snapshot_id": b"1-0"}
    assert stream_tail.parse_meta(raw) == {"status": "live", "errors": 2, "connected": 0}
    assert stream_tail.parse_meta({}) == {}
