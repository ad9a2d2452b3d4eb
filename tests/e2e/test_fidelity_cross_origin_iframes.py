"""Issue 13: a cross-origin iframe is recorded when the framed page carries the loader set up to join the
recorded site (`data-sr-parents`), and stays a labelled placeholder otherwise.

Two local apps on two loopback ports (two origins): the customer's app frames three pages of a partner's
app: a widget whose loader names the app's origin, one whose loader names another site, and one without
the loader. A real customer Chromium records through the real loader, recorder and ingest; an agent's
Chromium watches live and then replays the archive. The widget's DOM is inside the replay's iframe (its
text, a later change, its input masked, its own image served by SupportReplay); the other two show the
"not recorded" label; what the customer typed in the widget is nowhere in Redis.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.common.by import By

from sessions.archive.service import archive_session
from sessions.services import end_session
from supportreplay.redis_client import get_redis
from tests.e2e.conftest import all_events, banner_text, redis_raw_dump, wait_for
from tests.e2e.live_helpers import iframe_text, sign_in
from tests.e2e.test_assets_capture import png
from tests.helpers import live
from tests.helpers.processes import free_port
from tests.sessions.factories import make_session

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

TYPED = "widget-secret@example.com"
LOGO = png(13, 7, b"\x1e\x40\xaf")  # the widget's own image, served by the partner's origin

PARENT = """<!doctype html><html><head><meta charset="utf-8"><title>Customer app</title>
<script src="SUPPORT/static/recorder/loader.js"></script>
<style>
body { font: 14px sans-serif; margin: 16px; }
iframe { border: 1px solid #999; display: block; margin: 8px 0; }
</style>
</head><body>
<h1 id="ready">Customer app</h1>
<iframe id="widget" src="WIDGET/widget" width="420" height="170" title="Partner widget"></iframe>
<iframe id="foreign" src="WIDGET/foreign" width="420" height="60" title="Other partner"></iframe>
<iframe id="plain" src="WIDGET/plain" width="420" height="60" title="No loader"></iframe>
</body></html>"""

WIDGET = """<!doctype html><html><head><meta charset="utf-8"><title>Widget</title>
<script src="SUPPORT/static/recorder/loader.js" data-sr-parents="PARENTS"></script>
<style>
body { font: 14px sans-serif; margin: 8px; background: #eef6ff; }
h2 { margin: 0 0 8px; color: #1e40af; }
</style>
</head><body>
<h2 id="w-title">Partner widget <img id="w-logo" src="/logo.png" alt=""></h2>
<label>Email <input id="w-email" type="text"></label>
<button id="w-add" type="button">Add</button>
<p id="w-count">Clicked 0 times</p>
<script>
let n = 0;
document.getElementById("w-add").onclick = () => {
  document.getElementById("w-count").textContent = `Clicked ${++n} times`;
};
</script>
</body></html>"""


class Apps:
    """The customer's app and a partner's app, each on its own loopback port (two origins)."""

    def __init__(self, support: str) -> None:
        self.parent = self._serve({})
        self.partner = self._serve({})
        pages = self.parent.pages, self.partner.pages
        pages[0]["/page"] = PARENT.replace("SUPPORT", support).replace("WIDGET", self.partner.url)
        widget = WIDGET.replace("SUPPORT", support)
        pages[1]["/widget"] = widget.replace("PARENTS", self.parent.url)
        pages[1]["/foreign"] = widget.replace("PARENTS", "https://elsewhere.example")
        pages[1]["/plain"] = WIDGET.split("<script", 1)[0] + WIDGET.split("</script>", 1)[1]

    @staticmethod
    def _serve(pages: dict):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                kind = "image/png" if path == "/logo.png" else "text/html; charset=utf-8"
                body = LOGO if path == "/logo.png" else pages.get(path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        server.pages = pages
        server.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def close(self) -> None:
        for server in (self.parent, self.partner):
            server.shutdown()
            server.server_close()


@pytest.fixture
def apps(daphne_server):
    servers = Apps(daphne_server.url)
    try:
        yield servers
    finally:
        servers.close()


# What the agent sees in each embedded frame of the replay.
FRAMES_JS = """
const stage = document.querySelector('[data-stage] iframe');
const doc = stage && stage.contentDocument;
if (!doc) return null;
const out = {};
for (const id of ['widget', 'foreign', 'plain']) {
  const inner = doc.getElementById(id);
  const d = inner && inner.contentDocument;
  const q = (sel) => d && d.querySelector(sel);
  out[id] = {
    text: d && d.body ? d.body.textContent.trim() : null,
    title: q('#w-title') ? q('#w-title').textContent : null,
    count: q('#w-count') ? q('#w-count').textContent : null,
    email: q('#w-email') ? q('#w-email').value : null,
    logo: q('#w-logo') ? [q('#w-logo').naturalWidth, q('#w-logo').currentSrc] : null,
    label: Boolean(d && d.body && d.body.hasAttribute('data-sr-embed')),
  };
}
return out;
"""


def frames(driver) -> dict:
    return driver.execute_script(FRAMES_JS) or {}


def widget_shows(driver, count: str) -> dict | None:
    shown = frames(driver)
    widget = shown.get("widget") or {}
    if (widget.get("title") or "").strip() != "Partner widget" or widget.get("count") != count:
        return None
    # The widget's image, captured in the frame, comes from SupportReplay like the app's own.
    logo = widget.get("logo") or [0, ""]
    if logo[0] != 13 or "/assets/" not in logo[1]:
        return None
    if not (shown.get("foreign") or {}).get("label") or not (shown.get("plain") or {}).get("label"):
        return None
    return shown


def check(shown: dict) -> None:
    widget = shown["widget"]
    assert widget["email"] == "*" * 16, widget  # masked in the frame, and again by the parent
    assert not widget["label"]
    for name in ("foreign", "plain"):
        assert "not recorded" in shown[name]["text"]
        assert "127.0.0.1" in shown[name]["text"]


def customer_uses_the_widget(browser) -> None:
    browser.switch_to.frame(browser.find_element(By.ID, "widget"))
    try:
        browser.find_element(By.ID, "w-email").send_keys(TYPED)
        browser.find_element(By.ID, "w-add").click()
        browser.find_element(By.ID, "w-add").click()
        assert browser.find_element(By.ID, "w-count").text == "Clicked 2 times"
    finally:
        browser.switch_to.default_content()


def test_a_framed_page_with_the_loader_is_recorded_and_one_without_is_labelled(
    apps, daphne_server, browser, agent_browser
):
    base = daphne_server.url
    recording = make_session(f"{apps.parent.url}/page")
    browser.get(f"{apps.parent.url}/page#sr={recording.credential}")
    wait_for(lambda: "Sharing this tab with" in banner_text(browser), timeout=20, message="recording")

    sign_in(agent_browser, base, live.make_agent())
    agent_browser.get(f"{base}/sessions/{recording.id}/live")
    wait_for(lambda: iframe_text(agent_browser, "#ready") == "Customer app", timeout=30, message="live view")
    wait_for(lambda: widget_shows(agent_browser, "Clicked 0 times"), timeout=20, message="live widget")

    customer_uses_the_widget(browser)
    shown = wait_for(
        lambda: widget_shows(agent_browser, "Clicked 2 times"), timeout=20, message="live change"
    )
    check(shown)
    agent_browser.save_screenshot("/tmp/sr-fidelity-iframes-live.png")
    browser.save_screenshot("/tmp/sr-fidelity-iframes-customer.png")

    # The framed page's events went through the parent's pipeline: the typed value is nowhere stored.
    assert TYPED.encode() not in redis_raw_dump(get_redis())

    events = all_events(recording.id)
    last = max(e["timestamp"] for e in events) - min(e["timestamp"] for e in events)
    end_session(recording.id, "stop")
    assert archive_session(recording.id).status == "archived"
    agent_browser.get(f"{base}/sessions/{recording.id}/?t={last / 1000 + 1:.1f}")
    wait_for(lambda: iframe_text(agent_browser, "#ready") == "Customer app", timeout=30, message="replay")
    shown = wait_for(
        lambda: widget_shows(agent_browser, "Clicked 2 times"), timeout=20, message="replay widget"
    )
    check(shown)
    agent_browser.save_screenshot("/tmp/sr-fidelity-iframes-replay.png")
