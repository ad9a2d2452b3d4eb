"""The whole live path with real parts: a customer's Chromium on the demo shop records through daphne A
(ingest), an agent's Chromium watches through daphne B (watch socket), Redis in between."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from sessions import keys
from tests.e2e.conftest import banner_text, click, wait_for
from tests.e2e.live_helpers import iframe_text, iframe_value, panel_rows, poll, sign_in
from tests.helpers import live
from tests.helpers.browser import make_driver
from tests.helpers.processes import daphne

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def customer():
    driver = make_driver(1200, 800)
    try:
        yield driver
    finally:
        driver.quit()


def start_recording(driver, base: str) -> object:
    from tests.sessions.factories import make_session

    recording = make_session(f"{base}/demo/")
    driver.get(f"{base}/demo/#sr={recording.credential}")
    wait_for(lambda: "Sharing this tab" in banner_text(driver), message="customer's banner")
    return recording


def test_agent_on_another_daphne_sees_what_the_customer_does_as_it_happens(customer, browser, redis_db):
    with daphne() as ingest_side, daphne() as watch_side:
        recording = start_recording(customer, ingest_side.url)
        agent = live.make_agent()
        sign_in(browser, watch_side.url, agent)
        browser.get(f"{watch_side.url}/sessions/{recording.id}/live")
        poll(lambda: iframe_text(browser, "#add-espresso") == "Add to cart", timeout=10)

        # A DOM change the customer causes.
        click(customer, "add-espresso")
        # (How fast: bench/live_latency.py; the deadlines here only bound a stuck test.)
        poll(lambda: iframe_text(browser, "#cart-count") == "1", timeout=10)

        # A thrown error and the console line of the shop.
        click(customer, "throw")
        poll(lambda: any("discount" in r for r in panel_rows(browser, "errors")), timeout=10)

        # Navigation, then typing: inputs are always masked, so the agent sees one * per character.
        click(customer, "checkout-link")
        wait_for(lambda: "Sharing this tab" in banner_text(customer), message="banner on checkout")
        poll(lambda: iframe_text(browser, "h1") == "Checkout", timeout=10)
        # Keystrokes reach the agent as they are typed (rrweb samples every input event), still masked.
        customer.find_element(By.ID, "name").send_keys("Jane Doe")
        poll(lambda: iframe_value(browser, "#name") == "********", timeout=10)

        # The failing payment: console error and the 500 in the network panel (failed, red).
        click(customer, "pay")
        poll(lambda: any("Payment failed" in r for r in panel_rows(browser, "console")), timeout=10)
        poll(
            lambda: any(
                r.startswith("FAILED") and "/demo/api/pay" in r and "500" in r
                for r in panel_rows(browser, "network")
            ),
            timeout=10,
        )
        assert "/demo/checkout" in browser.find_element(By.CSS_SELECTOR, "[data-page-url]").text
        assert "Customer connected" in browser.find_element(By.CSS_SELECTOR, "[data-conn]").text
        for tab in ("network", "environment"):
            browser.find_element(By.CSS_SELECTOR, f"[data-tab='{tab}']").click()
            browser.save_screenshot(f"/tmp/sr-live-{tab}.png")


def test_late_watcher_after_500_events_and_a_navigation_sees_the_current_page(customer, browser, redis_db):
    with daphne() as server:
        recording = start_recording(customer, server.url)
        customer.execute_script(
            "let i = 0; const t = setInterval(() => {"
            "  const s = document.createElement('span'); s.className = 'noise'; s.textContent = 'n' + i;"
            "  document.body.appendChild(s); if (++i >= 600) clearInterval(t); }, 0);"
        )
        wait_for(
            lambda: int(redis_db.hget(keys.meta(recording.id), "events") or 0) >= 500,
            timeout=20,
            message="500+ events stored",
        )
        click(customer, "checkout-link")
        wait_for(lambda: "Sharing this tab" in banner_text(customer), message="banner on checkout")
        customer.find_element(By.ID, "name").send_keys("Jo" + Keys.TAB)

        agent = live.make_agent()
        sign_in(browser, server.url, agent)
        browser.get(f"{server.url}/sessions/{recording.id}/live")
        poll(lambda: iframe_text(browser, "h1") == "Checkout", timeout=10)
        poll(lambda: iframe_value(browser, "#name") == "**", timeout=5)
        assert (
            browser.execute_script(
                "const doc = document.querySelector('[data-stage] iframe').contentDocument;"
                "return doc.querySelectorAll('.noise').length"
            )
            == 0
        )
