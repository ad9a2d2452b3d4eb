"""The sessions list refreshes live rows in place (no reload) from its JSON endpoint."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from sessions import keys
from sessions.models import SessionArchive, SessionState
from tests.e2e.live_helpers import poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_live_rows_update_without_a_reload(daphne_server, browser, redis_db):
    agent = live.make_agent("maria")
    watched = live.make_session(agent, customer="Dana Customer", ticket="ZD-4711")
    redis_db.hset(keys.meta(watched.pk), mapping={"page_url": "https://shop.example/cart", "connected": 1})
    live.make_session(
        agent,
        state=SessionState.ENDED,
        customer="Ben Ended",
        ticket="ZD-4690",
        error_count=2,
        failed_request_count=1,
        end_reason="stop",
    )
    archived = live.make_session(
        agent, state=SessionState.ARCHIVED, customer="Ada Archived", ticket="ZD-4502"
    )
    SessionArchive.objects.create(
        session=archived, storage_name="x", codec="zstd", stored_bytes=181_000, sha256="0"
    )

    sign_in(browser, daphne_server.url, agent)
    browser.get(f"{daphne_server.url}/sessions/")
    browser.execute_script("window.__notReloaded = true")
    first = browser.find_elements(By.CSS_SELECTOR, "tbody[data-rows] tr")[0]
    assert "Dana Customer" in first.text
    assert "LIVE" in first.text.upper()
    browser.save_screenshot("/tmp/sr-sessions-list.png")

    redis_db.hset(keys.meta(watched.pk), mapping={"page_url": "https://shop.example/checkout", "errors": 3})
    late = live.make_session(agent, customer="Newly Live")
    redis_db.hset(keys.meta(late.pk), mapping={"connected": 1})

    def refreshed():
        text = browser.find_element(By.CSS_SELECTOR, "tbody[data-rows]").text
        return "shop.example/checkout" in text and "Newly Live" in text

    poll(refreshed, timeout=9, interval=0.2)
    assert browser.execute_script("return window.__notReloaded") is True
    assert browser.find_element(By.CSS_SELECTOR, "[data-live-number]").text == "2"
