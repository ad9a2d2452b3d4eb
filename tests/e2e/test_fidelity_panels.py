"""Panels tell the truth: hash routes are route changes, not page loads; an uncaught error counts once; a
request in flight when the recorder starts is recorded; the network list shows full URLs and a detail
pane; the panel is resizable; the errors badge stays a badge."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.e2e.conftest import all_events, click, wait_for
from tests.e2e.fidelity_helpers import open_prefs
from tests.e2e.live_helpers import panel_rows, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def env_value(browser, label: str) -> str | None:
    return browser.execute_script(
        "const dt = [...document.querySelectorAll('[data-env] dt')]"
        ".find(d => d.textContent === arguments[0]);"
        "return dt ? dt.nextElementSibling.textContent : null;",
        label,
    )


def test_panels_count_routes_errors_and_requests_right(customer, browser, daphne_server, redis_db):
    base = daphne_server.url
    recording = open_prefs(customer, base, path="/demo/fidelity?inflight=1")
    for _ in range(3):
        click(customer, "hash-route")
    click(customer, "throw")
    slow_url = f"{base}/demo/api/slow?ms=1500"

    def stored_urls():
        return [
            r.get("url")
            for e in all_events(recording.id)
            if e["type"] == 6 and e["data"]["plugin"] == "rrweb/network@1"
            for r in e["data"]["payload"]["requests"]
        ]

    wait_for(lambda: slow_url in stored_urls(), timeout=10, message="the in-flight request is recorded")
    wait_for(
        lambda: any(e["type"] == 5 and e["data"]["tag"] == "sr.error" for e in all_events(recording.id)),
        message="the error is recorded",
    )
    console_errors = [
        e
        for e in all_events(recording.id)
        if e["type"] == 6
        and e["data"]["plugin"] == "rrweb/console@1"
        and e["data"]["payload"]["level"] == "error"
    ]
    assert console_errors == []  # the uncaught error is in sr.error only, not a second time as console

    sign_in(browser, base, live.make_agent())
    browser.get(f"{base}/sessions/{recording.id}/live")
    browser.find_element(By.CSS_SELECTOR, "[data-tab='environment']").click()
    poll(lambda: env_value(browser, "Route changes") == "3", timeout=10)
    assert env_value(browser, "Page loads") == "1"
    browser.find_element(By.CSS_SELECTOR, "[data-tab='errors']").click()
    assert len(panel_rows(browser, "errors")) == 1
    assert browser.find_element(By.CSS_SELECTOR, "[data-count='errors']").text == "1"
    kind = browser.find_element(By.CSS_SELECTOR, "[data-rows='errors'] .err-kind")
    assert kind.size["height"] < 24  # a badge, not a tall red box beside the stack

    browser.find_element(By.CSS_SELECTOR, "[data-tab='network']").click()
    poll(lambda: any(slow_url in r for r in panel_rows(browser, "network")), timeout=5)
    row = next(
        li
        for li in browser.find_elements(By.CSS_SELECTOR, "[data-rows='network'] > li")
        if slow_url in li.text
    )
    row.click()
    pane = browser.find_element(By.CSS_SELECTOR, "[data-net-detail]")
    assert pane.is_displayed()
    assert slow_url in pane.text
    assert "Copy as cURL" in pane.text
    assert "fetch" in pane.text  # the initiator

    side = browser.find_element(By.CSS_SELECTOR, "[data-panels]")
    before = side.size["width"]
    handle = browser.find_element(By.CSS_SELECTOR, "[data-side-resize]")
    ActionChains(browser).click_and_hold(handle).move_by_offset(-120, 0).release().perform()
    assert side.size["width"] > before + 60
    browser.save_screenshot("/tmp/sr-fidelity-panels.png")
