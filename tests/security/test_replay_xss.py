"""A hostile recording must never run script in the agent's replay page.

The live view has the same check in tests/e2e/test_live_simulated.py; here the replay path: an archived
recording full of script, handlers, javascript: links and srcdoc frames, served by the data API and
rebuilt by rrweb in the replay page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from sessions.archive.service import archive_session
from sessions.models import RecordingSession, SessionState
from tests.e2e.live_helpers import iframe_text, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
MARK = "window.top.__sr_xss = (window.top.__sr_xss || 0) + 1"


def hostile_page(ts: int) -> list[dict]:
    link = live.element("a", [live.text("click me")], id="evil-link", href=f"javascript:{MARK}")
    return live.page_events(
        "https://shop.example/",
        [
            live.element("script", [live.text(f"{MARK};alert(1)")]),
            live.element("img", [], id="evil-img", src="x:broken", onerror=f"{MARK};alert(2)"),
            link,
            live.element("div", [], id="evil-div", onmouseover=MARK, style="height:50px"),
            live.element("iframe", [], id="evil-frame", srcdoc=f"<script>{MARK}</script>"),
            live.element("object", [], data=f"javascript:{MARK}"),
            live.element("h1", [live.text("ready")], id="ready"),
        ],
        ts=ts,
    )


def archived_hostile_session(redis_db, agent) -> RecordingSession:
    session = live.make_session(agent)
    t0 = live.now_ms() - 10_000
    rec = live.StoreWriter(redis_db, session.pk)
    rec.send(hostile_page(t0))
    rec.send([live.console_event(f"\"<img src=x onerror='{MARK}'>\"", ts=t0 + 1000)])
    RecordingSession.objects.filter(pk=session.pk).update(state=SessionState.ENDED, end_reason="stop")
    assert archive_session(session.pk).status == "archived"
    return session


def test_player_sources_never_enable_scripts_and_agent_pages_forbid_inline_script(redis_db, media):
    for source in (ROOT / "static" / "player" / "src").glob("*.js"):
        text = re.sub(r"^\s*//.*$|/\*.*?\*/", "", source.read_text(), flags=re.M | re.S)  # code only
        assert "allow-scripts" not in text, source
        assert "UNSAFE_replayCanvas: true" not in text, source
    assert "UNSAFE_replayCanvas: false" in (ROOT / "static" / "player" / "src" / "stage.js").read_text()

    agent = live.make_agent("agent")
    session = archived_hostile_session(redis_db, agent)
    client = Client()
    client.force_login(agent)
    for page in (f"/sessions/{session.pk}/", f"/sessions/{session.pk}/live"):
        policy = dict(
            (d.split()[0], d.split()[1:]) for d in client.get(page)["Content-Security-Policy"].split("; ")
        )
        assert policy["script-src"] == ["'self'"], page
        assert (policy["object-src"], policy["base-uri"], policy["frame-ancestors"]) == (["'none'"],) * 3
    chunk = client.get(f"/sessions/{session.pk}/data/chunks/0")
    assert MARK.encode() in chunk.content
    assert chunk["Content-Type"] == "application/json"
    assert chunk["X-Content-Type-Options"] == "nosniff"


@pytest.mark.e2e
@pytest.mark.processes
def test_hostile_archived_recording_never_runs_script_in_the_replay_page(server, browser, redis_db, media):
    agent = live.make_agent("agent")
    session = archived_hostile_session(redis_db, agent)
    sign_in(browser, server.url, agent)
    browser.get(f"{server.url}/sessions/{session.pk}/?t=0")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=15)
    poll(lambda: iframe_text(browser, "#ready") == "ready", timeout=5)
    browser.execute_script(
        "const d = document.querySelector('[data-stage] iframe').contentDocument;"
        "d.querySelector('#evil-link')?.click();"
        "d.querySelector('#evil-div')?.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
    )
    browser.find_element("css selector", "[data-tab='console']").click()
    assert browser.execute_script("return window.__sr_xss === undefined")
    with pytest.raises(Exception, match="no such alert"):
        browser.switch_to.alert.text  # noqa: B018
    sandbox = browser.execute_script(
        "return document.querySelector('[data-stage] iframe').getAttribute('sandbox')"
    )
    assert "allow-scripts" not in (sandbox or "allow-scripts")
