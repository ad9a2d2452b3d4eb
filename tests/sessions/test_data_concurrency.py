"""A replay data request held in a slow storage read does not hold up another agent's data requests on
the same daphne (a real daphne; the slow read is a gate the test opens, no timing is asserted)."""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sessions.archive import service
from sessions.models import SessionArchive
from tests.helpers import live
from tests.helpers.processes import spawn_daphne
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support import gated_storage
from tests.support.events import checkout_session
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 120  # seconds: far longer than any request below takes, and the gated storage's own limit


def archived_session():
    recorded = make_session()
    ingest(recorded.credential, checkout_session(minutes=1))
    assert service.archive_session(recorded.id).status == "archived"
    return recorded.id


def get(url: str, cookie: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"Cookie": f"sessionid={cookie}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=HOLD) as response:
        return response.status, response.read()


def test_a_chunk_held_in_a_storage_read_does_not_hold_up_other_data_requests(redis_db, media):
    held, other = archived_session(), archived_session()
    held_object = Path(media) / SessionArchive.objects.get(session_id=held).storage_name
    cookie = live.session_cookie(live.make_agent())
    daphne = spawn_daphne(
        SR_TEST_STORAGE_BACKEND="tests.support.gated_storage.GatedStorage", MEDIA_ROOT=str(media)
    )
    gate = gated_storage.gate(held_object)
    gate.touch()
    try:
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(get, f"{daphne.url}/sessions/{held}/data/chunks/0", cookie)
            wait_for(gated_storage.entered(held_object).exists, timeout=60, message="held chunk request")

            # The first request is inside the storage read, and stays there until the gate is removed.
            answers = [
                get(f"{daphne.url}/sessions/{other}/data/manifest", cookie),
                get(f"{daphne.url}/sessions/{other}/data/chunks/0", cookie),
                get(f"{daphne.url}/sessions/{other}/data/steps", cookie),
                get(f"{daphne.url}/sessions/{held}/data/manifest", cookie),
            ]
            assert [status for status, _ in answers] == [200, 200, 200, 200]
            assert not first.done()
            assert gate.exists()

            gate.unlink()
            status, body = first.result(timeout=HOLD)
            assert status == 200
            assert body.startswith(b"[")
    finally:
        gate.unlink(missing_ok=True)
        daphne.stop()
