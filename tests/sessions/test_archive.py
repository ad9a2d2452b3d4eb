"""Archive a session ingested through the real ingest socket: read back equals the stream, Redis cleared
only after the database says archived, second run a no-op, failure leaves the stream in place."""

import pytest

from sessions import keys
from sessions.archive import chunking, container, reader, service, stream
from sessions.models import ArchiveStatus, RecordingSession, SessionArchive, SessionState
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = pytest.mark.django_db(transaction=True)


def ended_session(minutes: int = 4):
    live = make_session()
    ingest(live.credential, checkout_session(minutes=minutes))
    session = RecordingSession.objects.get(pk=live.id)
    assert session.state == SessionState.ENDED
    return session


def test_archive_of_an_ingested_session_reads_back_equal_to_the_stream(redis_db, media):
    session = ended_session()
    in_stream = list(stream.iter_batches(session.pk))
    assert len(in_stream) > 200

    outcome = service.archive_session(session.pk)

    assert outcome.status == "archived"
    session.refresh_from_db()
    archive = SessionArchive.objects.get(session=session)
    assert (session.state, session.archive_status) == (SessionState.ARCHIVED, ArchiveStatus.DONE)
    blob = reader.read_object(archive.storage_name)
    assert chunking.merge_records(container.decode_all(blob)) == in_stream
    assert archive.event_count == sum(len(b.events) for b in in_stream) == session.event_count
    assert archive.stored_bytes == len(blob) < archive.raw_bytes / 3
    assert archive.tabs["tab-a"]["first_seq"] == 0
    assert archive.tabs["tab-a"]["gaps"] == []
    assert len(archive.manifest) == 5  # a checkout every minute, the last one at the end
    assert session.summary["failed_requests"] == 1
    assert session.summary["rage_clicks"] == 1
    assert not any(redis_db.exists(k) for k in keys.all_keys(session.pk))
    assert service.verify_stored(archive) == archive.event_count


def test_a_second_run_on_an_archived_session_is_a_no_op(redis_db, media):
    session = ended_session(minutes=1)
    service.archive_session(session.pk)
    first = SessionArchive.objects.get(session=session)

    assert service.archive_session(session.pk).status == "already_archived"
    assert SessionArchive.objects.get(session=session).created_at == first.created_at
    assert [p.name for p in media.rglob("*") if p.is_file()] == [f"{session.pk}.sra"]


def test_a_failed_archive_keeps_the_stream_and_marks_the_session_failed(redis_db, media, settings):
    session = ended_session(minutes=1)
    blocker = media.parent / "not-a-directory"
    blocker.write_text("storage cannot create folders under a file")
    settings.MEDIA_ROOT = str(blocker)

    with pytest.raises(OSError):
        service.archive_session(session.pk)

    session.refresh_from_db()
    assert (session.state, session.archive_status) == (SessionState.ENDED, ArchiveStatus.FAILED)
    assert "Error" in session.archive_error
    assert redis_db.exists(keys.events(session.pk))
    assert not SessionArchive.objects.filter(session=session).exists()

    settings.MEDIA_ROOT = str(media)
    assert service.archive_session(session.pk).status == "archived"


def test_a_live_session_is_not_archived(redis_db, media):
    live = make_session()
    ingest(live.credential, checkout_session(minutes=1), stop=False)
    assert service.archive_session(live.id).status == "not_ended"
    assert redis_db.exists(keys.events(live.id))


def test_archive_is_skipped_while_another_worker_holds_the_lock(redis_db, media):
    session = ended_session(minutes=1)
    redis_db.set(keys.archive_lock(session.pk), "someone-else", px=5000)
    assert service.archive_session(session.pk).status == "locked"
    assert redis_db.exists(keys.events(session.pk))


def test_entries_missing_from_the_stream_are_reported_in_the_summary(redis_db, media):
    session = ended_session(minutes=1)
    oldest = redis_db.xrange(keys.events(session.pk), count=1)[0][0]
    redis_db.xdel(keys.events(session.pk), oldest)  # what an evicted or trimmed stream looks like

    assert service.archive_session(session.pk).status == "archived"
    session.refresh_from_db()
    mismatch = session.summary["stream_mismatch"]
    assert mismatch["read_batches"] == mismatch["counted_batches"] - 1
    assert session.summary["gaps"] == {"tab-a": [[0, 0]]}
