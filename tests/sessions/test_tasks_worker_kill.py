"""SIGKILL a real Celery worker in the middle of an archive; after a restart exactly one archive exists and
it verifies. The archive is slowed down by configuration (a pause between stream pages), not by a mock."""

import time

import pytest

from sessions import keys
from sessions.archive import service, writer
from sessions.models import ArchiveStatus, RecordingSession, SessionArchive, SessionState
from tests.helpers.processes import celery_worker, spawn_celery_worker
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def test_worker_killed_mid_archive_leaves_exactly_one_verified_archive_after_restart(
    redis_db, settings, tmp_path
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    env = {
        "MEDIA_ROOT": str(media),
        "SUPPORTREPLAY_ARCHIVE_PAGE_SIZE": "10",
        "SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS": "100",  # ~20 pages: an archive takes about 2 s
        "SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS": "2",
    }
    live = make_session()
    ingest(live.credential, checkout_session(minutes=3))  # bye stop: end_session queues the archive task
    session_id = live.id

    def running() -> bool:
        return RecordingSession.objects.get(pk=session_id).archive_status == ArchiveStatus.RUNNING

    worker = spawn_celery_worker("doomed", **env)
    try:
        wait_for(running, timeout=30)
        time.sleep(0.5)  # well inside the paged read
        worker.kill()  # SIGKILL: no cleanup, the lock stays until it expires
    finally:
        worker.stop()

    session = RecordingSession.objects.get(pk=session_id)
    assert session.state == SessionState.ENDED
    assert redis_db.exists(keys.events(session_id))
    assert not SessionArchive.objects.filter(session=session).exists()

    def archived() -> bool:
        return RecordingSession.objects.get(pk=session_id).state == SessionState.ARCHIVED

    with celery_worker(**env):
        # The killed task's message waits for the broker's visibility timeout; the beat sweeper re-queues
        # it instead. The first tries may meet the dead worker's lock until it expires.
        last_sweep = [0.0]

        def sweep() -> None:
            if time.monotonic() - last_sweep[0] > 1.5:
                last_sweep[0] = time.monotonic()
                service.sweep_unarchived(grace_seconds=0)

        wait_for(archived, timeout=40, interval=0.2, on_retry=sweep)

    archive = SessionArchive.objects.get(session_id=session_id)
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [f"{session_id}.sra"]
    assert archive.storage_name == writer.object_name(session_id, session.started_at)
    assert service.verify_stored(archive) == archive.event_count > 0
    assert not any(redis_db.exists(k) for k in keys.all_keys(session_id))
