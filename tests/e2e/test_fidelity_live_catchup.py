"""A joining agent that reuses a stored snapshot gets the page as it is now: the DOM changes made since
that snapshot (replayed as rrweb "sync" events) and every change after the join reach the live view."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import banner_text, click, wait_for
from tests.e2e.live_helpers import iframe_text, poll, sign_in
from tests.helpers import live
from tests.helpers.browser import make_driver

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_changes_since_the_reused_snapshot_and_after_the_join_are_shown(browser, daphne_server, redis_db):
    from tests.sessions.factories import make_session

    base = daphne_server.url
    recording = make_session(f"{base}/demo/")
    customer = make_driver(1200, 800)
    try:
        customer.get(f"{base}/demo/#sr={recording.credential}")
        wait_for(lambda: "Sharing this tab" in banner_text(customer), message="banner")
        click(customer, "add-espresso")  # a DOM change after the (reused) snapshot, before the join
        wait_for(lambda: customer.find_element("id", "cart-count").text == "1", message="cart count")

        sign_in(browser, base, live.make_agent())
        browser.get(f"{base}/sessions/{recording.id}/live")
        poll(lambda: iframe_text(browser, "#cart-count") == "1", timeout=10)
        click(customer, "add-grinder")  # and one after the join
        poll(lambda: iframe_text(browser, "#cart-count") == "2", timeout=5)
    finally:
        customer.quit()
