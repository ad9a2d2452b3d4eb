"""Beat tasks: sweeper re-queues ended sessions, retention purge removes blob and rows but keeps the audit
trail, lifecycle tasks call the ingest side's verbs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from magiclinks.models import AuditEvent
from sessions import keys, tasks
from sessions.archive import service
from sessions.models import RecordingSession, SessionArchive, SessionState
from supportreplay import audit
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = pytest.mark.django_db(transaction=True)


def archived_session(minutes: int = 1) -> RecordingSession:
    live = make_session()
    ingest(live.credential, checkout_session(minutes=minutes))
    assert service.archive_session(live.id).status == "archived"
    return RecordingSession.objects.get(pk=live.id)


def test_retention_purge_removes_blob_and_rows_and_keeps_the_audit_trail(redis_db, media, settings):
    settings.SUPPORTREPLAY_RETENTION_DAYS = 30
    old = archived_session()
    recent = archived_session()
    audit.record(None, "session.replay", old)
    RecordingSession.objects.filter(pk=old.pk).update(ended_at=timezone.now() - timedelta(days=31))
    old_blob = media / SessionArchive.objects.get(session=old).storage_name

    assert old_blob.exists()
    assert tasks.purge_expired() == 1

    assert not old_blob.exists()
    assert not RecordingSession.objects.filter(pk=old.pk).exists()
    assert not SessionArchive.objects.filter(session_id=old.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(old.pk), action="session.replay").exists()
    assert RecordingSession.objects.filter(pk=recent.pk).exists()
    assert (media / SessionArchive.objects.get(session=recent).storage_name).exists()


def test_retention_purge_also_removes_an_unarchived_stream(redis_db, media):
    live = make_session()
    ingest(live.credential, checkout_session(minutes=1))
    RecordingSession.objects.filter(pk=live.id).update(ended_at=timezone.now() - timedelta(days=400))

    assert service.purge_expired() == [str(live.id)]
    assert not redis_db.exists(keys.events(live.id))


def test_sweeper_queues_ended_unarchived_sessions_only(redis_db, media):
    ended = make_session()
    ingest(ended.credential, checkout_session(minutes=1))
    RecordingSession.objects.filter(pk=ended.id).update(ended_at=timezone.now() - timedelta(minutes=5))
    still_live = make_session()
    done = archived_session()
    RecordingSession.objects.filter(pk=done.pk).update(ended_at=timezone.now() - timedelta(minutes=5))

    queued = service.sweep_unarchived(grace_seconds=60)

    assert queued == [str(ended.id)]
    assert str(still_live.id) not in queued


def test_end_idle_and_overlong_tasks_end_sessions_through_services(redis_db, settings):
    settings.SUPPORTREPLAY_MAX_SESSION_MINUTES = 60
    settings.SUPPORTREPLAY_IDLE_MINUTES = 10
    overlong = make_session(started_minutes_ago=90)
    assert tasks.end_overlong_sessions() == 1
    assert RecordingSession.objects.get(pk=overlong.id).state == SessionState.ENDED

    idle = make_session(started_minutes_ago=30)  # never connected: its start is its last activity
    active = make_session(started_minutes_ago=1)
    assert tasks.end_idle_sessions() == 1
    assert RecordingSession.objects.get(pk=idle.id).state == SessionState.ENDED
    assert RecordingSession.objects.get(pk=active.id).state == SessionState.LIVE
