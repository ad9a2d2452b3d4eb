"""The self-contained HTML replay: opened from file:// in Chromium with no server, it plays with panels and
steps, and its Content-Security-Policy lets nothing load or leave (checked against a real HTTP receiver)."""

from __future__ import annotations

import contextlib
import re
import threading
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from selenium.webdriver.common.by import By

from notes.services import add_note
from tests.e2e.demo_recording import record_checkout_failure
from tests.e2e.live_helpers import iframe_text, panel_rows, poll
from tests.helpers import live
from tests.helpers.browser import make_driver

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_html_export_opens_from_disk_and_plays_with_panels_and_steps_offline(
    daphne_server, redis_db, tmp_path
):
    recording = record_checkout_failure(daphne_server.url, redis_db)
    agent = live.make_agent("alice")
    start = Client()
    start.force_login(agent)
    start_ts = start.get(f"/sessions/{recording.id}/notes").json()["start_ts"]
    add_note(recording.session, agent, ts=start_ts + 1500, text="Card field <b>loses</b> focus here")
    client = Client()
    client.force_login(agent)
    response = client.get(f"/sessions/{recording.id}/export/replay.html")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.replay.html"')
    html = b"".join(response.streaming_content).decode()
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in csp
    assert "connect-src 'none'" in csp
    assert "unsafe-eval" not in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)", csp)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)  # nothing is fetched
    for secret in ("Jane", "jane@example.com", "4111", "hunter2"):
        assert secret not in html
    path = tmp_path / "session.replay.html"
    path.write_text(html, encoding="utf-8")
    daphne_server.stop()  # no server at all from here on

    viewer = make_driver(1280, 800)
    try:
        viewer.get(path.as_uri())
        poll(lambda: viewer.execute_script("return document.body.dataset.replayReady"), timeout=15)
        poll(lambda: iframe_text(viewer, "#add-espresso"), timeout=5)
        poll(lambda: viewer.execute_script("return document.body.dataset.replayLoaded"), timeout=15)
        assert any("/demo/api/pay" in r and "500" in r for r in panel_rows(viewer, "network"))
        # The thrown error: in the errors panel, or only in the console when the recorder missed its event.
        assert any("discount" in r for r in panel_rows(viewer, "errors") + panel_rows(viewer, "console"))
        poll(lambda: viewer.find_elements(By.CSS_SELECTOR, "[data-steps][data-ready]"), timeout=5)
        pay = next(
            a
            for a in viewer.find_elements(By.CSS_SELECTOR, "[data-step-list] a.step")
            if "POST /demo/api/pay" in a.text
        )
        note = viewer.find_element(By.CSS_SELECTOR, "[data-note-list] a.note")
        assert note.text.endswith("alice Card field <b>loses</b> focus here")
        assert viewer.find_elements(By.CSS_SELECTOR, "[data-note-form]") == []  # read-only offline
        pay.click()
        poll(lambda: iframe_text(viewer, "h1") == "Checkout", timeout=5)
        viewer.find_element(By.CSS_SELECTOR, "[data-play]").click()
        poll(lambda: viewer.execute_script("return window.__srReplay.playing"), timeout=5)
        viewer.save_screenshot("/tmp/sr-html-export-desktop.png")
        viewer.set_window_size(390, 844)
        viewer.save_screenshot("/tmp/sr-html-export-phone.png")
        errors = [e["message"] for e in viewer.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], errors

        # Nothing can leave: a fetch and images from the page and from the recorded frame are refused.
        with receiver() as (beacon_url, hits):
            viewer.execute_script(EXFILTRATE, beacon_url)
            poll(lambda: viewer.execute_script("return window.__violations.length") >= 3, timeout=5)
            assert hits == []
    finally:
        viewer.quit()


EXFILTRATE = """
window.__violations = [];
const note = (e) => window.__violations.push(e.violatedDirective);
document.addEventListener("securitypolicyviolation", note);
const frame = document.querySelector("[data-stage] iframe").contentDocument;
frame.addEventListener("securitypolicyviolation", note);
fetch(arguments[0] + "/fetch").catch(() => {});
new Image().src = arguments[0] + "/image";
const img = frame.createElement("img");
img.src = arguments[0] + "/frame-image";
frame.body.appendChild(img);
"""


@contextlib.contextmanager
def receiver():
    """A real HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()
