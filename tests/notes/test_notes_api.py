"""Notes at a moment: added by one agent, seen by the others, deep-linked, in the report, always escaped."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from magiclinks.models import AuditEvent
from notes.models import MAX_TEXT, Note
from tests.helpers.live import make_agent
from tests.sessions.test_exports import archived_session

pytestmark = pytest.mark.django_db(transaction=True)

EVIL = "<img src=x onerror=alert(1)> *bold* [x](javascript:alert(1)) | `code`"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def post(client, sid, **body):
    return client.post(f"/sessions/{sid}/notes", json.dumps(body), content_type="application/json")


def test_a_note_is_visible_to_other_agents_in_the_report_and_deep_linked(redis_db, media):
    sid = archived_session(minutes=1)
    alice, bob = Client(), Client()
    alice.force_login(make_agent("alice"))
    bob.force_login(make_agent("bob"))
    listed = bob.get(f"/sessions/{sid}/notes").json()
    start = listed["start_ts"]
    assert listed["notes"] == []

    response = post(alice, sid, ts=start + 12_340, text=EVIL)
    assert response.status_code == 200
    [note] = bob.get(f"/sessions/{sid}/notes").json()["notes"]
    assert (note["author"], note["text"], note["t"]) == ("alice", EVIL, 12.3)
    assert AuditEvent.objects.filter(action="session.note", object_id=str(sid)).exists()

    report = alice.get(f"/sessions/{sid}/export/report.md").content.decode()
    section = report.split("## Notes")[1]
    assert (
        f"- [`00:12`](<http://testserver/sessions/{sid}/?t=12.3&note={note['id']}>) **alice**: "
        r"\<img src=x onerror=alert(1)\> \*bold\* \[x\](javascript:alert(1)) \| \`code\`"
    ) in section


def test_bad_notes_get_a_clear_error_and_nothing_is_stored(redis_db, media):
    sid = archived_session(minutes=1)
    client = Client()
    client.force_login(make_agent())
    assert post(client, sid, ts=1, text="  ").json() == {"error": "Write something."}
    assert post(client, sid, ts=1, text="x" * (MAX_TEXT + 1)).status_code == 400
    assert post(client, sid, ts="soon", text="hi").json() == {"error": "A note needs a moment (ts)."}
    assert (
        client.post(f"/sessions/{sid}/notes", "not json", content_type="application/json").status_code == 400
    )
    assert not Note.objects.exists()


def test_notes_need_an_agent_and_a_csrf_token(redis_db, media):
    sid = archived_session(minutes=1)
    outsider = Client()
    outsider.force_login(make_agent(permitted=False))
    assert outsider.get(f"/sessions/{sid}/notes").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_agent())
    assert post(strict, sid, ts=1, text="hi").status_code == 403
    assert not Note.objects.exists()
