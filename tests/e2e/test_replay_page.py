"""The replay page in a real browser, over the real data API: an archived session (archive task run
in-process) and an ended one still read from Redis. DOM at `?t=`, panels, clicking a row seeks."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from sessions.archive.service import archive_session
from sessions.models import RecordingSession, SessionState
from tests.e2e.live_helpers import iframe_text, panel_rows, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def record_checkout(redis_db, session) -> None:
    """Eight seconds of a customer: the title changes at 2 s, the payment fails at 4 s, done at 6 s."""
    t0 = live.now_ms() - 60_000
    rec = live.StoreWriter(redis_db, session.pk)
    title = live.text("Step 1")
    rec.send(
        live.page_events("https://shop.example/checkout", [live.element("h1", [title], id="title")], ts=t0)
    )
    rec.send([live.text_change(title["id"], "Step 2", ts=t0 + 2000)])
    rec.send(
        [
            live.text_change(title["id"], "Payment failed", ts=t0 + 4000),
            live.console_event(
                '"Payment failed: 500"', level="error", trace=["at pay (shop.js:104:15)"], ts=t0 + 4000
            ),
            live.network_event("https://shop.example/api/pay", 500, method="POST", ts=t0 + 4000),
            live.js_error("TypeError: total is undefined", "at render (shop.js:12:3)", ts=t0 + 4000),
        ]
    )
    rec.send([live.text_change(title["id"], "Step 3", ts=t0 + 6000)])
    rec.send([live.console_event('"done"', ts=t0 + 8000)])


@pytest.mark.parametrize("archived", [True, False], ids=["archived", "ended-from-redis"])
def test_replay_shows_dom_at_t_lists_failures_and_seeks_on_row_click(
    archived, daphne_server, browser, redis_db
):
    agent = live.make_agent()
    session = live.make_session(agent)
    record_checkout(redis_db, session)
    RecordingSession.objects.filter(pk=session.pk).update(state=SessionState.ENDED, end_reason="stop")
    if archived:
        assert archive_session(session.pk).status == "archived"
        assert RecordingSession.objects.get(pk=session.pk).state == SessionState.ARCHIVED

    sign_in(browser, daphne_server.url, agent)
    browser.get(f"{daphne_server.url}/sessions/{session.pk}/?t=3")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=10)
    assert iframe_text(browser, "#title") == "Step 2"
    assert browser.find_element(By.CSS_SELECTOR, "[data-time]").text == "0:03"

    poll(
        lambda: any(
            r.startswith("FAILED") and "/api/pay" in r and "500" in r for r in panel_rows(browser, "network")
        ),
        3,
    )
    browser.find_element(By.CSS_SELECTOR, "[data-tab='errors']").click()
    assert any("total is undefined" in r for r in panel_rows(browser, "errors"))
    browser.find_element(By.CSS_SELECTOR, "[data-tab='console']").click()
    error_row = browser.find_element(By.CSS_SELECTOR, "[data-rows='console'] li.level-error")
    assert "future" in error_row.get_attribute("class")
    error_row.click()
    poll(lambda: iframe_text(browser, "#title") == "Payment failed", timeout=3)
    assert browser.find_element(By.CSS_SELECTOR, "[data-time]").text == "0:04"
    assert "current" in error_row.get_attribute("class")
    assert "t=4" in browser.current_url
    markers = browser.find_elements(By.CSS_SELECTOR, "[data-markers] .marker")
    assert {m.get_attribute("class").split()[-1] for m in markers} >= {"mk-error", "mk-failed_request"}

    # Keyboard: → jumps 5 s (to the 8 s end, where the title reads "Step 3").
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    poll(lambda: iframe_text(browser, "#title") == "Step 3", timeout=3)
    if archived:
        browser.save_screenshot("/tmp/sr-replay.png")
