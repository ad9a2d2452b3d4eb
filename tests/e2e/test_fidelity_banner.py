"""The customer can always stop sharing: the banner stays clickable above a modal dialog and a popover."""

from __future__ import annotations

import pytest

from sessions.models import RecordingSession, SessionState
from tests.e2e.conftest import banner_text, click, click_banner_button, wait_for
from tests.e2e.fidelity_helpers import open_prefs

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

TOP_AT_BANNER = """
// What a click at the banner button's centre would hit, seen from the page (a closed shadow root
// answers with its host).
const host = document.querySelector('sr-banner');
const box = host.getBoundingClientRect();
return document.elementFromPoint(box.right - 40, box.bottom - 20)?.tagName;
"""


def test_stop_sharing_works_while_a_modal_dialog_is_open(browser, daphne_server):
    recording = open_prefs(browser, daphne_server.url)
    click(browser, "open-dialog")
    assert browser.execute_script("return document.getElementById('modal').matches(':modal')")
    assert browser.execute_script(TOP_AT_BANNER) == "SR-BANNER"

    click_banner_button(browser)
    wait_for(lambda: "You stopped sharing" in banner_text(browser), message="banner says it stopped")
    wait_for(
        lambda: RecordingSession.objects.get(pk=recording.id).state != SessionState.LIVE,
        timeout=10,
        message="session ended on the server",
    )
    # The dialog is still the customer's: closing it puts the banner back in the body.
    click(browser, "close-dialog")
    assert browser.execute_script("return document.querySelector('sr-banner').parentNode === document.body")


def test_banner_stays_above_a_popover_the_page_opens(browser, daphne_server):
    open_prefs(browser, daphne_server.url)
    # A popover right over the banner's corner.
    browser.execute_script(
        "const tip = document.getElementById('tip');"
        "Object.assign(tip.style, {position: 'fixed', inset: 'auto 0 0 auto', width: '90vw', height: '50vh',"
        " margin: '0'});"
    )
    click(browser, "open-popover")
    assert browser.execute_script("return document.getElementById('tip').matches(':popover-open')")
    assert browser.execute_script(TOP_AT_BANNER) == "SR-BANNER"
    click_banner_button(browser)
    wait_for(lambda: "You stopped sharing" in banner_text(browser), message="banner says it stopped")
