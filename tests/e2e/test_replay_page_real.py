"""Replay of a session recorded by the real recorder in Chromium (demo shop -> ingest -> archive)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.demo_recording import record_checkout_failure
from tests.e2e.live_helpers import iframe_text, panel_rows, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_replay_of_a_real_recording_lists_the_failures_and_seeks_to_the_error(
    daphne_server, browser, redis_db
):
    # The shared real recording: add to cart, a thrown error, checkout, a failed payment; archived.
    recording = record_checkout_failure(daphne_server.url, redis_db)

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
