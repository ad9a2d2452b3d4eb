"""The agent sees "Jane Doe is sharing now · Watch" on the agent pages when their link is accepted."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from magiclinks import services as links
from supportreplay import consent
from tests.e2e.live_helpers import poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_agent_gets_a_watch_toast_when_the_customer_accepts(daphne_server, browser, redis_db):
    agent = live.make_agent()
    sign_in(browser, daphne_server.url, agent)
    browser.get(f"{daphne_server.url}/sessions/")
    poll(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-notifications]"), timeout=5)
    created = links.create_link(agent, target_url="http://localhost/demo/", customer_name="Jane <b>Doe</b>")
    client = links.ClientInfo(ip="203.0.113.9", user_agent="test")
    session = consent.accept(created.token, shown_notice_sha256=None, client=client).session

    toast, _ = poll(lambda: browser.find_elements(By.CSS_SELECTOR, ".toast"), timeout=15)
    assert toast[0].find_element(By.CSS_SELECTOR, ".toast-text").text == "Jane <b>Doe</b> is sharing now"
    watch = toast[0].find_element(By.LINK_TEXT, "Watch")
    assert watch.get_attribute("href") == f"{daphne_server.url}/sessions/{session.pk}/live"
    browser.save_screenshot("/tmp/sr-toast-desktop.png")
    browser.set_window_size(390, 844)
    browser.save_screenshot("/tmp/sr-toast-phone.png")

    # Shown once: after its first poll the next page shows nothing.
    browser.get(f"{daphne_server.url}/sessions/")
    polled = "return document.querySelector('[data-notifications]').dataset.polled"
    poll(lambda: browser.execute_script(polled), timeout=5)
    assert browser.find_elements(By.CSS_SELECTOR, ".toast") == []
