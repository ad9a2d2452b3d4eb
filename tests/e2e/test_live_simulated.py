"""The live view in a real agent browser, fed by a simulated recorder writing the stream format to Redis:
DOM changes arrive within a second, panels fill, a hostile recording never runs script in the agent page."""

from __future__ import annotations

import pytest

from sessions.models import EndReason
from sessions.services import end_session
from tests.e2e.live_helpers import iframe_text, panel_rows, poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_live_view_shows_dom_changes_panels_and_the_end(daphne_server, browser, redis_db):
    agent = live.make_agent()
    session = live.make_session(agent, customer="Dana Customer", ticket="ZD-4711")
    rec = live.StoreWriter(redis_db, session.pk)
    title = live.text("Checkout")
    rec.send(
        live.page_events(
            "https://shop.example/checkout",
            [live.element("h1", [title], id="title"), live.element("p", [live.text("Pay now")])],
        )
    )
    sign_in(browser, daphne_server.url, agent)
    browser.get(f"{daphne_server.url}/sessions/{session.pk}/live")
    poll(lambda: iframe_text(browser, "#title") == "Checkout", timeout=10)

    rec.send([live.text_change(title["id"], "Payment details")])
    # How fast it arrives is bench/live_latency.py's measure (docs/PERFORMANCE.md), not a test's.
    poll(lambda: iframe_text(browser, "#title") == "Payment details", timeout=10)

    rec.send(
        [
            live.console_event('"Payment failed: 500"', level="error", trace=["at pay (shop.js:104:15)"]),
            live.network_event("https://shop.example/api/pay", 500, method="POST"),
            live.js_error("TypeError: total is undefined", "at render (shop.js:12:3)"),
        ]
    )
    poll(lambda: any("Payment failed: 500" in r for r in panel_rows(browser, "console")), timeout=3)
    poll(lambda: any(r.startswith("FAILED") and "/api/pay" in r for r in panel_rows(browser, "network")), 3)
    poll(lambda: any("total is undefined" in r for r in panel_rows(browser, "errors")), timeout=3)
    assert "shop.example/checkout" in browser.find_element("css selector", "[data-page-url]").text
    poll(lambda: "connected" in browser.find_element("css selector", "[data-conn]").text, timeout=3)
    latency = poll(
        lambda: browser.find_element("css selector", "[data-latency]").get_attribute("data-ms"), 3
    )[0]
    assert int(latency) >= 0
    browser.save_screenshot("/tmp/sr-live-view.png")

    assert end_session(session.pk, EndReason.STOP)
    poll(lambda: browser.find_element("css selector", "[data-ended]").is_displayed(), timeout=4)
    assert "ended" in browser.find_element("css selector", "[data-conn]").text.lower()


XSS_MARK = "window.top.__sr_xss = (window.top.__sr_xss || 0) + 1; console.log('SR-XSS-' + 'RAN')"


def test_recorded_scripts_handlers_and_javascript_links_never_run_in_the_agent_page(
    daphne_server, browser, redis_db
):
    agent = live.make_agent()
    session = live.make_session(agent)
    rec = live.StoreWriter(redis_db, session.pk)
    link = live.element("a", [live.text("click me")], id="evil-link", href=f"javascript:{XSS_MARK};alert(3)")
    rec.send(
        live.page_events(
            "https://shop.example/",
            [
                live.element("script", [live.text(f"{XSS_MARK};alert(1)")]),
                live.element("img", [], id="evil-img", src="x:broken", onerror=f"{XSS_MARK};alert(2)"),
                link,
                live.element("div", [], id="evil-div", onmouseover=f"{XSS_MARK}", style="height:50px"),
                live.element("iframe", [], id="evil-frame", srcdoc=f"<script>{XSS_MARK}</script>"),
                live.element("h1", [live.text("ready")], id="ready"),
            ],
        )
    )
    sign_in(browser, daphne_server.url, agent)
    browser.get(f"{daphne_server.url}/sessions/{session.pk}/live")
    poll(lambda: iframe_text(browser, "#ready") == "ready", timeout=10)
    # Later mutations carrying handlers, and an agent clicking the recorded javascript: link.
    rec.send(
        [
            {
                "type": 3,
                "data": {
                    "source": 0,
                    "texts": [],
                    "removes": [],
                    "attributes": [{"id": link["id"], "attributes": {"onclick": f"{XSS_MARK};alert(4)"}}],
                    "adds": [],
                },
                "timestamp": live.now_ms(),
            }
        ]
    )
    browser.execute_script(
        "const d = document.querySelector('[data-stage] iframe').contentDocument;"
        "d.querySelector('#evil-link')?.click();"
        "d.querySelector('#evil-div')?.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
    )
    poll(lambda: browser.execute_script("return window.__srLive.frames") >= 2, timeout=3)
    browser.implicitly_wait(0)
    assert browser.execute_script("return window.__sr_xss === undefined")
    with pytest.raises(Exception, match="no such alert"):
        browser.switch_to.alert.text  # noqa: B018
    assert not [e for e in browser.get_log("browser") if "SR-XSS-RAN" in e["message"]]
    sandbox = browser.execute_script(
        "return document.querySelector('[data-stage] iframe').getAttribute('sandbox')"
    )
    assert sandbox == "allow-same-origin"
