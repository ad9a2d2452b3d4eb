"""Notes on the replay page: an agent adds a note at a moment; another opens its deep link, lands there."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.live_helpers import poll, sign_in
from tests.helpers import live
from tests.helpers.browser import make_driver
from tests.sessions.test_exports import archived_session

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

EVIL = "<img src=x onerror=alert(1)> Card field loses focus here"


def test_a_note_added_at_a_moment_deep_links_other_agents_there(daphne_server, browser, redis_db):
    sid = archived_session(minutes=1)
    sign_in(browser, daphne_server.url, live.make_agent("alice"))
    browser.get(f"{daphne_server.url}/sessions/{sid}/")
    poll(lambda: browser.execute_script("return document.body.dataset.replayReady"), timeout=10)
    poll(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-notes][data-ready]"), timeout=5)
    browser.execute_script("const p = window.__srReplay; return p.seek(p.now + 30500)")
    poll(lambda: browser.find_element(By.CSS_SELECTOR, "[data-note-at]").text == "0:30", timeout=5)
    browser.find_element(By.CSS_SELECTOR, "[data-note-form] textarea").send_keys(EVIL)
    browser.find_element(By.CSS_SELECTOR, "[data-note-submit]").click()
    note, _ = poll(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-note-list] a.note"), timeout=5)
    assert note[0].text.endswith(f"alice {EVIL}")
    assert browser.find_elements(By.CSS_SELECTOR, "[data-note-list] img") == []
    deep_link = note[0].get_attribute("href")
    assert "?t=30.5&note=" in deep_link

    other = make_driver()
    try:
        sign_in(other, daphne_server.url, live.make_agent("bob"))
        other.get(deep_link)
        poll(lambda: other.execute_script("return document.body.dataset.replayReady"), timeout=10)
        poll(lambda: other.find_elements(By.CSS_SELECTOR, "[data-note-list] li.current a.note"), timeout=5)
        assert float(other.find_element(By.CSS_SELECTOR, "[data-timeline]").get_attribute("data-t")) == 30.5
        assert other.find_element(By.CSS_SELECTOR, "[data-note-list] li.current").text.endswith(EVIL)
        other.save_screenshot("/tmp/sr-notes-desktop.png")
        other.set_window_size(390, 844)
        other.execute_script("document.querySelector('[data-notes]').scrollIntoView()")
        other.save_screenshot("/tmp/sr-notes-phone.png")
    finally:
        other.quit()
