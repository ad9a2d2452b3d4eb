"""Exports: HAR 1.2 structure, the Markdown bug report, audit and permission."""

import json
import re
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission

from magiclinks.models import AuditEvent
from sessions.archive import service
from tests.magiclinks.factories import make_agent
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = pytest.mark.django_db(transaction=True)


def agent(*codenames: str):
    user = make_agent(permitted=False, staff=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def exporter(client):
    client.force_login(agent("watch_recordingsession", "export_recordingsession"))
    return client


def archived_session(minutes: int = 2):
    live = make_session(ticket_ref="T-1234")
    ingest(live.credential, checkout_session(minutes=minutes))
    assert service.archive_session(live.id).status == "archived"
    return live.id


REQUEST_MEMBERS = [
    ("method", str),
    ("url", str),
    ("httpVersion", str),
    ("cookies", list),
    ("headers", list),
    ("queryString", list),
    ("headersSize", int),
    ("bodySize", int),
]
RESPONSE_MEMBERS = [
    ("status", int),
    ("statusText", str),
    ("httpVersion", str),
    ("cookies", list),
    ("headers", list),
    ("content", dict),
    ("redirectURL", str),
    ("headersSize", int),
    ("bodySize", int),
]


def assert_har_1_2(har: dict) -> None:
    """The required members of HAR 1.2 (softwareishard.com/blog/har-12-spec), with their types."""
    log = har["log"]
    assert log["version"] == "1.2"
    assert isinstance(log["creator"]["name"], str)
    assert isinstance(log["creator"]["version"], str)
    for page in log.get("pages", []):
        assert {"startedDateTime", "id", "title", "pageTimings"} <= page.keys()
    for entry in log["entries"]:
        datetime.fromisoformat(entry["startedDateTime"].replace("Z", "+00:00"))
        assert isinstance(entry["time"], int | float)
        request, response = entry["request"], entry["response"]
        for key, kind in REQUEST_MEMBERS:
            assert isinstance(request[key], kind), key
        for key, kind in RESPONSE_MEMBERS:
            assert isinstance(response[key], kind), key
        assert isinstance(response["content"]["size"], int)
        assert isinstance(response["content"]["mimeType"], str)
        assert isinstance(entry["cache"], dict)
        for key in ("send", "wait", "receive"):
            assert isinstance(entry["timings"][key], int | float)
        for header in request["headers"] + response["headers"]:
            assert set(header) == {"name", "value"}


def test_har_export_is_valid_har_1_2_with_the_failed_request(exporter, redis_db, media):
    sid = archived_session()
    response = exporter.get(f"/sessions/{sid}/export/network.har")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    har = json.loads(response.content)
    assert_har_1_2(har)
    [entry] = har["log"]["entries"]
    assert (entry["request"]["method"], entry["response"]["status"]) == ("POST", 500)
    assert entry["response"]["statusText"] == "Internal Server Error"
    assert entry["time"] == 240.5
    assert entry["pageref"] == har["log"]["pages"][0]["id"]


def test_bug_report_lists_environment_steps_failures_and_links_to_the_error(exporter, redis_db, media):
    sid = archived_session()
    response = exporter.get(f"/sessions/{sid}/export/report.md")
    assert response.status_code == 200
    report = response.content.decode()
    for heading in ("## Environment", "## Pages visited", "## Steps to reproduce",
                    "## First error", "## Failing requests", "## Errors"):  # fmt: skip
        assert heading in report
    assert "T-1234" in report
    assert "| browser | `Chrome 131` |" in report
    assert "Clicked *Pay now* on /cart" in report
    assert "Typed into *input#email* (masked)" in report
    assert "| `POST` | `https://shop.example/api/pay` | 500 | 240.5 ms |" in report
    assert "at pay (app.js:10:5)" in report
    link = re.search(r"Replay at the error: <(\S+)>", report).group(1)
    assert link == f"http://testserver/sessions/{sid}/?t=60"
    steps = report.split("## Steps to reproduce")[1].split("## First error")[0]
    assert "POST /api/pay → 500" in steps
    assert re.search(rf"\[`\d\d:\d\d`\]\(<http://testserver/sessions/{sid}/\?t=[\d.]+>\) Clicked", steps)


def test_every_export_is_audited_and_needs_the_export_permission(client, exporter, redis_db, media):
    sid = archived_session(minutes=1)
    for name in ("events.json", "network.har", "report.md"):
        assert exporter.get(f"/sessions/{sid}/export/{name}").status_code == 200
    formats = set(
        AuditEvent.objects.filter(action="session.export", object_id=str(sid)).values_list(
            "detail__format", flat=True
        )
    )
    assert formats == {"events.json", "network.har", "report.md"}

    client.force_login(agent("watch_recordingsession"))
    assert client.get(f"/sessions/{sid}/export/report.md").status_code == 403


def test_events_export_of_an_ended_session_comes_from_redis_before_archiving(exporter, redis_db, media):
    live = make_session()
    ingest(live.credential, checkout_session(minutes=1))
    response = exporter.get(f"/sessions/{live.id}/export/events.json")
    events = json.loads(b"".join(response.streaming_content))
    assert [e["type"] for e in events[:3]] == [5, 4, 2]
