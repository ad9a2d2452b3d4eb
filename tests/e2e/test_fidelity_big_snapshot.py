"""A full snapshot larger than a websocket message (3.5 MB here; daphne caps messages at 2 MiB) reaches
the agent's live view in parts, and a second agent joining soon after reuses it instead of making the
customer's browser take and upload another one."""

from __future__ import annotations

import pytest

from sessions import keys
from sessions.store import plain_ev
from tests.e2e.conftest import wait_for
from tests.e2e.fidelity_helpers import open_prefs
from tests.e2e.live_helpers import iframe_text, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def full_snapshots(redis, session_id) -> list[tuple[str, int]]:
    return [
        (entry_id.decode(), len(plain_ev(fields[b"ev"])))  # stored compressed; the size the page had
        for entry_id, fields in redis.xrange(keys.events(session_id))
        if fields.get(b"full") == b"1"
    ]


def test_a_3_mb_snapshot_reaches_the_live_view_and_is_reused_by_the_next_agent(
    customer, browser, daphne_server, redis_db
):
    base = daphne_server.url
    recording = open_prefs(customer, base, path="/demo/fidelity?filler=3500")
    wait_for(lambda: full_snapshots(redis_db, recording.id), timeout=20, message="first snapshot stored")
    [(_, size)] = full_snapshots(redis_db, recording.id)
    assert size > 3_000_000

    last_line = customer.execute_script("return document.querySelector('#filler p:last-child').textContent")
    sign_in(browser, base, live.make_agent())
    browser.get(f"{base}/sessions/{recording.id}/live")
    poll(lambda: iframe_text(browser, "#filler p:last-child") == last_line, timeout=30)
    assert browser.execute_script("return window.__srLive.replayer !== null")

    # A second agent (here: the same page joining again) within the reuse window: no new snapshot.
    browser.refresh()
    poll(lambda: iframe_text(browser, "#filler p:last-child") == last_line, timeout=30)
    assert len(full_snapshots(redis_db, recording.id)) == 1
