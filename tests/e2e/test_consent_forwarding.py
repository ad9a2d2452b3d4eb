"""Finding 7 (issue 12) with two real Chromium profiles: the customer accepts a link in browser A and
forwards the `#sr=` URL to browser B. B is told the link belongs to another browser and nothing of B is
recorded; A keeps recording across a reload and in a tab it opens."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from sessions.events import EventType
from tests.e2e.conftest import banner_text, stream_batches, wait_for
from tests.e2e.consent_helpers import accept_demo_link
from tests.helpers.browser import make_driver

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_browser():
    driver = make_driver()
    try:
        yield driver
    finally:
        driver.quit()


def _tab_id(driver) -> str:
    return json.loads(driver.execute_script("return sessionStorage.getItem('sr.state')") or "{}").get(
        "tab", ""
    )


def _full_snapshots(session_id, tab: str) -> int:
    return sum(
        1
        for b in stream_batches(session_id)
        if b.tab == tab and any(e["type"] == EventType.FULL_SNAPSHOT for e in b.events)
    )


def test_a_forwarded_link_records_nothing_in_the_other_browser(
    daphne_server, browser, second_browser, agent_user
):
    _, session = accept_demo_link(browser, agent_user, daphne_server.url)
    tab_a = _tab_id(browser)
    wait_for(lambda: _full_snapshots(session.id, tab_a), message="A's first full snapshot stored")

    # What a customer would forward: the support redirect's URL, credential included.
    credential = browser.execute_script("return sessionStorage.getItem('sr.cred')")
    second_browser.get(f"{daphne_server.url}/demo/#sr={quote(credential, safe='')}")
    wait_for(
        lambda: "accepted in another browser" in banner_text(second_browser),
        timeout=20,
        message="B is told the link belongs to another browser",
    )
    assert "#sr=" not in second_browser.current_url
    assert second_browser.execute_script("return sessionStorage.getItem('sr.cred')") is None

    # The consenting browser keeps working: a reload...
    before = _full_snapshots(session.id, tab_a)
    browser.refresh()
    wait_for(
        lambda: _full_snapshots(session.id, tab_a) > before, timeout=20, message="A records after reload"
    )
    # ...and a tab it opens (sessionStorage copied, same device secret, its own tab id).
    browser.execute_script("window.open(location.href, '_blank')")
    browser.switch_to.window(browser.window_handles[-1])
    wait_for(
        lambda: _tab_id(browser) not in ("", tab_a), timeout=20, message="the new tab took its own tab id"
    )
    tab_a2 = _tab_id(browser)
    wait_for(lambda: _full_snapshots(session.id, tab_a2), timeout=20, message="A's second tab records")

    # Nothing but A's tabs ever reached the stream.
    assert {b.tab for b in stream_batches(session.id)} == {tab_a, tab_a2}
