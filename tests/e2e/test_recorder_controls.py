"""The customer stays in control: Stop ends the session, a revoke stops the recorder, and a page that was
never handed a credential costs nothing but the loader."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from sessions.events import EventType
from sessions.models import EndReason, RecordingSession, SessionState
from sessions.services import end_session, notify_sockets
from tests.e2e.conftest import banner_text, click, click_banner_button, stream_batches, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

SHARING = "Sharing this tab"


def _start_sharing(browser, server, live) -> None:
    browser.get(f"{server.url}/demo/#sr={live.credential}")
    wait_for(lambda: SHARING in banner_text(browser), message="banner shows")
    click(browser, "add-espresso")
    wait_for(lambda: stream_batches(live.id), message="first batches stored")


def _credential_in_tab(browser) -> str | None:
    return browser.execute_script("return sessionStorage.getItem('sr.cred')")


def test_stop_button_ends_the_session_and_forgets_the_credential(daphne_server, browser, consented_session):
    live = consented_session(f"{daphne_server.url}/demo/")
    _start_sharing(browser, daphne_server, live)

    click_banner_button(browser)

    wait_for(lambda: "You stopped sharing" in banner_text(browser), message="banner confirms the stop")
    try:
        session = wait_for(
            lambda: RecordingSession.objects.filter(pk=live.id, state=SessionState.ENDED).first(),
            timeout=15,
            message="session ended",
        )
    except AssertionError as exc:
        stats = browser.execute_script("return window.__sr && window.__sr.stats")
        raise AssertionError(f"{exc}; recorder stats {stats}; daphne log:\n{daphne_server.log()}") from None
    assert session.end_reason == EndReason.STOP
    assert _credential_in_tab(browser) is None
    browser.refresh()
    browser.find_element(By.ID, "add-mug")  # the page works as before, without recording
    assert browser.execute_script("return window.__sr === undefined")
    assert banner_text(browser) == ""


def test_revoke_stops_the_recorder_and_the_banner_says_the_session_ended(
    daphne_server, browser, consented_session
):
    live = consented_session(f"{daphne_server.url}/demo/")
    _start_sharing(browser, daphne_server, live)

    # rrweb hands a click (and, by the next task, the mutations it causes) to the recorder synchronously,
    # so the recorder's event count tells at once whether a click was recorded: no waiting on a timer.
    taken = browser.execute_script("return window.__sr.stats.events")
    click(browser, "add-espresso")
    assert browser.execute_script("return window.__sr.stats.events") > taken

    assert end_session(live.id, EndReason.REVOKED)

    wait_for(lambda: "session has ended" in banner_text(browser), timeout=5, message="banner says it ended")
    assert _credential_in_tab(browser) is None
    stored = len(stream_batches(live.id))
    taken = browser.execute_script("return window.__sr.stats.events")
    click(browser, "add-grinder")
    click(browser, "view-cart")
    assert browser.execute_script("return window.__sr.stats.events") == taken
    assert len(stream_batches(live.id)) == stored
    assert browser.execute_script("return window.__sr.stats.batches") >= 1


def test_a_watcher_joining_gets_a_fresh_full_snapshot(daphne_server, browser, consented_session):
    live = consented_session(f"{daphne_server.url}/demo/")
    _start_sharing(browser, daphne_server, live)

    def fulls() -> int:
        return sum(
            1 for b in stream_batches(live.id) for e in b.events if e["type"] == EventType.FULL_SNAPSHOT
        )

    assert fulls() == 1
    notify_sockets(live.id, {"type": "session.snapshot"})
    wait_for(lambda: fulls() == 2, timeout=5, message="second full snapshot after the request")


def test_a_tab_opened_by_window_open_records_under_its_own_tab_id(daphne_server, browser, consented_session):
    live = consented_session(f"{daphne_server.url}/demo/")
    _start_sharing(browser, daphne_server, live)
    first_tab = browser.execute_script("return JSON.parse(sessionStorage.getItem('sr.state')).tab")

    # window.open keeps the opener, so Chrome copies this tab's sessionStorage (tab id included).
    browser.execute_script("window.open('/demo/checkout', '_blank')")
    browser.switch_to.window(browser.window_handles[-1])
    wait_for(lambda: SHARING in banner_text(browser), message="the new tab records too")
    second_tab = wait_for(
        lambda: (
            browser.execute_script("return JSON.parse(sessionStorage.getItem('sr.state')).tab") != first_tab
            and browser.execute_script("return JSON.parse(sessionStorage.getItem('sr.state')).tab")
        )
    )
    batches = wait_for(
        lambda: [b for b in stream_batches(live.id) if b.tab == second_tab], message="2nd tab stored"
    )
    assert batches[0].seq == 0
    for tab in (first_tab, second_tab):
        seqs = [b.seq for b in stream_batches(live.id) if b.tab == tab]
        assert seqs == list(range(len(seqs)))


def test_page_without_credential_makes_no_request_and_adds_no_listener(daphne_server, browser, redis_db):
    browser.get(f"{daphne_server.url}/demo/")
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete")
    browser.find_element(By.ID, "add-espresso")
    # The loader decides synchronously when it runs (before `complete`): a recorder load would already be a
    # <script> in the document, whether or not its request has started.
    assert (
        browser.execute_script("return document.querySelectorAll('script[src*=\"recorder.js\"]').length") == 0
    )

    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    recorder_requests = [url for url in resources if "/static/recorder/" in url or "/ws/ingest/" in url]
    assert [url.rsplit("/", 1)[-1] for url in recorder_requests] == ["loader.js"]
    assert browser.execute_script("return window.__sr === undefined")
    assert browser.execute_script("return String(console.log).includes('[native code]')")
    window = browser.execute_cdp_cmd("Runtime.evaluate", {"expression": "window"})["result"]["objectId"]
    listeners = browser.execute_cdp_cmd("DOMDebugger.getEventListeners", {"objectId": window})["listeners"]
    types = {listener["type"] for listener in listeners}
    assert types == {"popstate"}, "only the shop's own listener"
    assert list(redis_db.scan_iter("sr:{*")) == []
