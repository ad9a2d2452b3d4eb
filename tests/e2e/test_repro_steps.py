"""Repro steps of a real recording: listed on the replay page (each seeks the replay) and in the report."""

from __future__ import annotations

import pytest
from django.test import Client
from selenium.webdriver.common.by import By

from tests.e2e.demo_recording import record_checkout_failure
from tests.e2e.live_helpers import iframe_text, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

EXPECTED = [
    "Opened /demo/",
    "Clicked Add to cart (Espresso beans) on /demo/",
    "Clicked Trigger a bug on /demo/",
    "TypeError: Cannot read properties of undefined (reading 'discount')",
    "Clicked Checkout on /demo/",
    "Navigated to /demo/checkout",
    "Typed into Full name (masked)",
    "Typed into Email (masked)",
    "Typed into Card number (masked)",
    "Typed into Create a password (masked)",
    "Clicked Pay €14.50 on /demo/checkout",
    "POST /demo/api/pay → 500",
    "Console error: Payment failed: 500 The payment provider did not answer.",
]


def test_replay_page_and_report_list_the_customers_steps_and_a_step_seeks_the_replay(
    daphne_server, browser, redis_db
):
    recording = record_checkout_failure(daphne_server.url, redis_db, capture_network_bodies=True)
    agent = live.make_agent()
    sign_in(browser, daphne_server.url, agent)
    browser.get(f"{daphne_server.url}/sessions/{recording.id}/")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=10)
    poll(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-steps][data-ready]"), timeout=10)
    items = browser.find_elements(By.CSS_SELECTOR, "[data-step-list] .step-text")
    assert [i.text for i in items] == EXPECTED
    assert "Jane" not in browser.page_source
    assert "4111" not in browser.page_source

    card_step = browser.find_elements(By.CSS_SELECTOR, "[data-step-list] a.step")[
        EXPECTED.index("Typed into Card number (masked)")
    ]
    assert card_step.get_attribute("href").split("?t=")[1] != "0.0"
    card_step.click()
    # The replay opened at the start (the shop); the card was typed on the checkout page.
    poll(lambda: iframe_text(browser, "h1") == "Checkout", timeout=5)
    assert (
        browser.current_url == f"{daphne_server.url}/sessions/{recording.id}/" or "?t=" in browser.current_url
    )
    assert float(browser.find_element(By.CSS_SELECTOR, "[data-timeline]").get_attribute("data-t")) > 0
    browser.save_screenshot("/tmp/sr-steps-desktop.png")
    browser.set_window_size(390, 844)
    browser.save_screenshot("/tmp/sr-steps-phone.png")

    client = Client()
    client.force_login(agent)
    report = client.get(f"/sessions/{recording.id}/export/report.md").content.decode()
    section = report.split("## Steps to reproduce")[1].split("## ")[0]
    assert "Clicked *Add to cart (Espresso beans)* on /demo/" in section
    assert "POST /demo/api/pay → 500" in section
    assert f"/sessions/{recording.id}/?t=" in section
