"""A session at its size limit (SUPPORTREPLAY_SESSION_MAX_BYTES): the real recorder in Chromium stops,
tells the customer why, forgets the credential and does not retry (close code 4420)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import banner_text, click, stream_batches, wait_for
from tests.helpers.processes import daphne

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_quota_close_stops_the_recorder_with_a_size_limit_banner(redis_db, browser, consented_session):
    # A quota of one byte: the very first batch is refused, so the recorder meets 4420 at once.
    with daphne(SUPPORTREPLAY_SESSION_MAX_BYTES="1") as server:
        live = consented_session(f"{server.url}/demo/")
        browser.get(f"{server.url}/demo/#sr={live.credential}")
        wait_for(lambda: "size limit" in banner_text(browser), timeout=20, message="banner says size limit")
        assert "reached its size limit" in banner_text(browser)
        assert browser.execute_script("return sessionStorage.getItem('sr.cred')") is None
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            browser.set_window_size(width, 800)
            browser.save_screenshot(str(SCREENSHOTS / f"recorder-quota-{width}.png"))
        frames = browser.execute_script("return window.__sr.stats.frames")
        click(browser, "add-espresso")
        time.sleep(1.5)  # longer than the first reconnect backoff: a retrying recorder would say hello
        assert browser.execute_script("return window.__sr.stats.frames") == frames
        assert stream_batches(live.id) == []
