"""Replay of a session recorded by the real recorder in Chromium (demo shop -> ingest -> archive)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from sessions.archive.service import archive_session
from sessions.models import EndReason
from sessions.services import end_session
from sessions.store import plain_ev
from tests.e2e.conftest import banner_text, click, wait_for
from tests.e2e.live_helpers import iframe_text, panel_rows, poll, sign_in
from tests.helpers import live
from tests.helpers.browser import make_driver

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_replay_of_a_real_recording_lists_the_failures_and_seeks_to_the_error(
    daphne_server, browser, redis_db
):
    from tests.sessions.factories import make_session

    recording = make_session(f"{daphne_server.url}/demo/")
    customer = make_driver(1200, 800)
    try:
        customer.get(f"{daphne_server.url}/demo/#sr={recording.credential}")
        wait_for(lambda: "Sharing this tab" in banner_text(customer), message="banner")
        click(customer, "add-espresso")
        click(customer, "throw")
        click(customer, "checkout-link")
        wait_for(lambda: "Sharing this tab" in banner_text(customer), message="banner on checkout")
        click(customer, "pay")
        wait_for(lambda: customer.find_element(By.ID, "pay-status").is_displayed(), message="payment failed")

        def stored() -> bytes:
            return b"".join(plain_ev(f[b"ev"]) for _, f in redis_db.xrange(f"sr:{{{recording.id}}}:events"))

        wait_for(
            lambda: all(part in stored() for part in (b"/demo/api/pay", b"Payment failed", b"discount")),
            message="the failed payment, its console error and the thrown error are stored",
        )
    finally:
        customer.quit()
    assert end_session(recording.id, EndReason.STOP)
    assert archive_session(recording.id).status == "archived"

    agent = live.make_agent()
    sign_in(browser, daphne_server.url, agent)
    browser.get(f"{daphne_server.url}/sessions/{recording.id}/")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=10)
    poll(lambda: iframe_text(browser, "#add-espresso"), timeout=5)
    assert any(
        r.startswith("FAILED") and "/demo/api/pay" in r and "500" in r for r in panel_rows(browser, "network")
    )
    assert any("discount" in r for r in panel_rows(browser, "errors"))
    markers = {
        m.get_attribute("class").split()[-1] for m in browser.find_elements(By.CSS_SELECTOR, ".marker")
    }
    assert {"mk-error", "mk-failed_request", "mk-navigation"} <= markers

    pay_error = next(
        li
        for li in browser.find_elements(By.CSS_SELECTOR, "[data-rows='console'] li.level-error")
        if "Payment failed" in li.text
    )
    pay_error.click()
    # The replay opened on the first page (t=0); the error happened on the checkout page.
    poll(lambda: iframe_text(browser, "h1") == "Checkout", timeout=3)
    assert "current" in pay_error.get_attribute("class")
    assert float(browser.find_element(By.CSS_SELECTOR, "[data-timeline]").get_attribute("data-t")) > 0
    browser.save_screenshot("/tmp/sr-replay-real.png")
