"""Admin of recordings: archive state, sizes and summary shown; the "End session" action ends a session."""

import pytest

from sessions.archive import service
from sessions.models import EndReason, RecordingSession, SessionArchive, SessionState
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = pytest.mark.django_db(transaction=True)


def test_session_admin_shows_archive_state_sizes_and_summary(admin_client, redis_db, media):
    live = make_session(ticket_ref="T-77")
    ingest(live.credential, checkout_session(minutes=1))
    service.archive_session(live.id)

    listing = admin_client.get("/admin/recordings/recordingsession/").content.decode()
    assert "T-77" in listing
    assert "Archived" in listing
    detail = admin_client.get(f"/admin/recordings/recordingsession/{live.id}/change/").content.decode()
    assert "Failed requests" in detail
    assert "Rage clicks" in detail
    assert "Chrome 131" in detail
    archive = SessionArchive.objects.get(session_id=live.id)
    page = admin_client.get(f"/admin/recordings/sessionarchive/{archive.pk}/change/").content.decode()
    assert archive.sha256[:12] in page


def test_end_session_admin_action_ends_a_live_session(admin_client, redis_db):
    live = make_session()
    response = admin_client.post(
        "/admin/recordings/recordingsession/",
        {"action": "end_sessions", "_selected_action": [str(live.id)]},
    )
    assert response.status_code == 302
    session = RecordingSession.objects.get(pk=live.id)
    assert (session.state, session.end_reason) == (SessionState.ENDED, EndReason.REVOKED)
