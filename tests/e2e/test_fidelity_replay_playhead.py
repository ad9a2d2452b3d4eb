"""The replay follows the playhead: viewport size applied before painting after a seek, the header shows
the URL and size at the playhead, a replay opened without ?t= starts at the first rendered content, and
one opened at (or past) the end shows the recording's last change."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from sessions.archive.service import archive_session
from sessions.models import RecordingSession, SessionState
from tests.e2e.live_helpers import iframe_text, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

AFTER_TWO_FRAMES = """
const done = arguments[arguments.length - 1];
// Two animation frames and a timer turn: anything rrweb deferred has run by then.
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
  const frame = document.querySelector('[data-stage] iframe');
  done({
    width: frame.getAttribute('width'),
    height: frame.getAttribute('height'),
    url: document.querySelector('[data-page-url]').textContent,
    viewport: document.querySelector('[data-viewport]').textContent,
  });
}, 20)));
"""


def record_spa(redis_db, session) -> None:
    """An app whose first snapshot is an empty root; it renders at 0.8 s, the window shrinks to a phone's
    size at 3 s and a hash route changes the URL at 4 s."""
    t0 = live.now_ms() - 60_000
    rec = live.StoreWriter(redis_db, session.pk)
    root = live.element("div", [], id="root")
    rec.send(live.page_events("https://app.example/orders", [root], ts=t0, width=1280, height=800))
    # rrweb adds a subtree node by node (children as their own adds), so do we.
    heading = live.element("h1", [], id="title")
    label = live.text("Orders")
    rec.send(
        [
            {
                "type": 3,
                "data": {
                    "source": 0,
                    "adds": [
                        {"parentId": root["id"], "nextId": None, "node": heading},
                        {"parentId": heading["id"], "nextId": None, "node": label},
                    ],
                    "removes": [],
                    "texts": [],
                    "attributes": [],
                },
                "timestamp": t0 + 800,
            }
        ]
    )
    rec.send([{"type": 3, "data": {"source": 4, "width": 390, "height": 844}, "timestamp": t0 + 3000}])
    rec.send(
        [
            {
                "type": 5,
                "data": {
                    "tag": "sr.route",
                    "payload": {"to": "https://app.example/orders#/42", "kind": "hash"},
                },
                "timestamp": t0 + 4000,
            }
        ]
    )
    rec.send([live.console_event('"done"', ts=t0 + 6000)])
    # The recording's very last event changes what is on screen (like a canvas chart's last frame).
    change = {"source": 0, "adds": [], "removes": [], "texts": [{"id": label["id"], "value": "Orders (3)"}]}
    rec.send([{"type": 3, "data": {**change, "attributes": []}, "timestamp": t0 + 6500}])


def vp(width: int, height: int) -> str:
    return f"{width}\u00d7{height}"  # the header's multiplication sign


def state(browser) -> dict:
    return browser.execute_async_script(AFTER_TWO_FRAMES)


def test_replay_viewport_header_and_start_follow_the_playhead(daphne_server, browser, redis_db):
    agent = live.make_agent()
    session = live.make_session(agent)
    record_spa(redis_db, session)
    RecordingSession.objects.filter(pk=session.pk).update(state=SessionState.ENDED, end_reason="stop")
    assert archive_session(session.pk).status == "archived"
    sign_in(browser, daphne_server.url, agent)

    # Opened without ?t=: on the rendered app, not on the empty root of the first snapshot.
    browser.get(f"{daphne_server.url}/sessions/{session.pk}/")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=10)
    assert iframe_text(browser, "#title") == "Orders"
    assert state(browser) == {
        "width": "1280",
        "height": "800",
        "url": "https://app.example/orders",
        "viewport": vp(1280, 800),
    }

    # Opened after the resize and before the route change: phone size, first URL.
    browser.get(f"{daphne_server.url}/sessions/{session.pk}/?t=3.5")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=10)
    assert state(browser) == {
        "width": "390",
        "height": "844",
        "url": "https://app.example/orders",
        "viewport": vp(390, 844),
    }

    # Seeking on: the header follows (route change at 4 s), and back before the resize.
    browser.execute_script("window.__srReplay.seek(window.__srReplay.now + 1500)")
    poll(lambda: state(browser)["url"] == "https://app.example/orders#/42", timeout=3)
    browser.execute_script("window.__srReplay.seek(window.__srReplay.now - 4000)")
    poll(lambda: state(browser)["viewport"] == vp(1280, 800), timeout=3)
    assert state(browser)["width"] == "1280"
    assert browser.find_element(By.CSS_SELECTOR, "[data-page-url]").text == "https://app.example/orders"
    browser.save_screenshot("/tmp/sr-replay-playhead.png")

    # Opened past the end (clamped to the last event's moment): the last change is applied too.
    browser.get(f"{daphne_server.url}/sessions/{session.pk}/?t=60")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=10)
    assert iframe_text(browser, "#title") == "Orders (3)"
