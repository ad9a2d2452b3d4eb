"""Deleting a recording session in the admin (its page or the bulk action) goes through the purge: the
stored archive object and the session's Redis keys go with the rows (issue 16)."""

import pytest
from django.core.files.storage import default_storage

from sessions import keys
from sessions.archive import service
from sessions.models import RecordingSession, SessionArchive
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = "/admin/recordings/recordingsession/"


def archived() -> tuple[str, str]:
    live = make_session()
    ingest(live.credential, checkout_session(minutes=1))
    service.archive_session(live.id)
    name = SessionArchive.objects.get(session_id=live.id).storage_name
    assert default_storage.exists(name)
    return str(live.id), name


def left_behind(redis, session_id: str) -> list[str]:
    return [key for key in keys.all_keys(session_id) if redis.exists(key)]


def test_deleting_one_archived_session_removes_its_archive_object(admin_client, redis_db, media):
    session_id, name = archived()
    response = admin_client.post(f"{ADMIN}{session_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RecordingSession.objects.filter(pk=session_id).exists()
    assert not default_storage.exists(name)


def test_bulk_delete_purges_archives_and_the_redis_keys_of_unarchived_sessions(admin_client, redis_db, media):
    archived_id, name = archived()
    streaming = make_session()
    ingest(streaming.credential, checkout_session(minutes=1))
    assert left_behind(redis_db, str(streaming.id))

    response = admin_client.post(
        ADMIN,
        {"action": "delete_selected", "post": "yes", "_selected_action": [archived_id, str(streaming.id)]},
    )

    assert response.status_code == 302
    assert not RecordingSession.objects.exists()
    assert not default_storage.exists(name)
    assert left_behind(redis_db, str(streaming.id)) == []


def test_an_archive_cannot_be_deleted_on_its_own_only_with_its_session(admin_client, redis_db, media):
    session_id, name = archived()
    archive = SessionArchive.objects.get(session_id=session_id)
    assert (
        admin_client.post(
            f"/admin/recordings/sessionarchive/{archive.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert default_storage.exists(name)
    page = admin_client.get(f"{ADMIN}{session_id}/delete/").content.decode()
    assert "Are you sure" in page  # the session's delete page is not blocked by the archive's permission
