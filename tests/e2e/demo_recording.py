"""A real checkout failure recorded in Chromium through the product (demo shop -> ingest -> archive).

Shared by the end-to-end tests of the repro steps, the Playwright reproduction export, the HTML export and
notes: the customer adds an espresso, triggers the demo's bug, goes to checkout, fills the form and pays;
the payment API answers 500 and the page shows "Payment failed".
"""

from __future__ import annotations

from selenium.webdriver.common.by import By

from sessions import keys
from sessions.archive.service import archive_session
from sessions.models import EndReason
from sessions.services import end_session
from sessions.store import plain_ev
from tests.e2e.conftest import banner_text, click, wait_for
from tests.helpers.browser import make_driver


def record_checkout_failure(server_url: str, redis_db, **link_fields):
    """Record the checkout failure, end the session and archive it; returns the LiveSession."""
    from tests.sessions.factories import make_session

    recording = make_session(f"{server_url}/demo/", **link_fields)
    meta_key = keys.meta(recording.id)

    def snapshot_id() -> str:
        return (redis_db.hget(meta_key, "snapshot_id") or b"").decode()

    customer = make_driver(1200, 800)
    try:
        customer.get(f"{server_url}/demo/#sr={recording.credential}")
        wait_for(lambda: "Sharing this tab" in banner_text(customer), message="banner")
        # The banner can show before rrweb records: act once the page's full snapshot is stored.
        first = wait_for(snapshot_id, message="the shop's full snapshot")
        click(customer, "add-espresso")
        click(customer, "throw")
        click(customer, "checkout-link")
        wait_for(lambda: "Sharing this tab" in banner_text(customer), message="banner on checkout")
        wait_for(lambda: snapshot_id() not in ("", first), message="the checkout page's full snapshot")
        for field, value in (
            ("name", "Jane Doe"),
            ("email", "jane@example.com"),
            ("card", "4111 1111 1111 1111"),
            ("password", "hunter2-secret"),
        ):
            customer.find_element(By.ID, field).send_keys(value)
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
    return recording
