"""Issue 13: images, CSS background images and fonts of a logged-in app reach the agent from SupportReplay.

A local "app" on another origin serves its image, background image and web font ONLY with the login
cookie its customer's browser holds (anyone else gets 403), and counts every request. A real customer
Chromium logs in and records the page through the real loader, recorder and ingest. Then a second
Chromium (the agent, without that cookie) watches live and replays the archive: the image has its real
size, the background points at /sessions/<id>/assets/<sha256>, the font is loaded, an SVG image shows
(as the PNG the customer's browser drew of it), a background from a shadow root's adopted stylesheet
too, and the app gets ZERO requests from the agent's browser.

The font is Open Sans (Apache License 2.0, tests/e2e/fixtures/OPEN-SANS-LICENSE.txt).
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sessions import keys
from sessions.archive.service import archive_session
from sessions.services import end_session
from tests.e2e.conftest import all_events, banner_text, wait_for
from tests.e2e.live_helpers import iframe_text, sign_in
from tests.helpers import live
from tests.helpers.processes import daphne, free_port
from tests.sessions.factories import make_session
from tests.support.events import png

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

FONT = (Path(__file__).parent / "fixtures" / "open-sans-300italic.woff2").read_bytes()
COOKIE = "app_login=customer-7"


ASSETS = {
    "/a/logo.png": (png(37, 23, b"\x10\x80\xf0"), "image/png"),
    "/a/hero.png": (png(8, 8, b"\xf0\x80\x10"), "image/png"),
    "/a/brand.woff2": (FONT, "font/woff2"),
    "/a/private.png": (png(5, 5, b"\x00\x00\x00"), "image/png"),
    "/a/shadow.png": (png(6, 6, b"\x20\xc0\x40"), "image/png"),
    # An SVG (with a script the agent's browser must never get): sent as a PNG drawn in the customer's tab.
    "/a/icon.svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="19" height="11"><script>alert(1)</script>'
        b'<rect width="19" height="11" fill="#e11d48"/></svg>',
        "image/svg+xml",
    ),
}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Logged-in app</title>
<style>
@font-face { font-family: Brand; src: url("/a/brand.woff2") format("woff2"); }
#hero { width: 200px; height: 80px; background-image: url("/a/hero.png"); }
h1 { font-family: Brand, monospace; }
</style>
<script src="SUPPORT/static/recorder/loader.js"></script>
</head><body>
<h1 id="ready">Your account</h1>
<img id="logo" src="/a/logo.png" alt="logo">
<img id="icon" src="/a/icon.svg" alt="icon">
<div id="hero"></div>
<div class="rr-block"><img id="private" src="/a/private.png" alt=""></div>
<x-card id="card"></x-card>
<script>
// A web component whose background comes from an adopted stylesheet of its shadow root.
const sheet = new CSSStyleSheet();
sheet.replaceSync('#shadow-hero { width: 60px; height: 30px; background-image: url("/a/shadow.png"); }');
customElements.define("x-card", class extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet];
    root.innerHTML = '<div id="shadow-hero"></div>';
  }
});
</script>
<script>setTimeout(() => fetch("/api/me"), 1500);</script>
</body></html>"""


class App:
    """The logged-in app: assets only with its login cookie; counts every request."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.page = ""
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                app.requests[self.path] += 1
                if self.path == "/login":
                    self._send(200, b"logged in", "text/plain", cookie=f"{COOKIE}; Path=/; SameSite=Lax")
                elif self.path == "/page":
                    self._send(200, app.page.encode(), "text/html; charset=utf-8")
                elif self.path in ASSETS and COOKIE in (self.headers.get("Cookie") or ""):
                    body, kind = ASSETS[self.path]
                    self._send(200, body, kind)
                else:
                    self._send(403, b"log in first", "text/plain")

            def _send(self, status: int, body: bytes, kind: str, cookie: str = "") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if cookie:
                    self.send_header("Set-Cookie", cookie)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app():
    server = App()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def support(redis_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with daphne(MEDIA_ROOT=settings.MEDIA_ROOT) as server:
        yield server


STATE_JS = """
const frame = document.querySelector('[data-stage] iframe');
const doc = frame && frame.contentDocument;
const img = doc && doc.querySelector('#logo');
const hero = doc && doc.querySelector('#hero');
if (!img || !hero) return null;
const icon = doc.querySelector('#icon');
const shadowHero = doc.querySelector('#card')?.shadowRoot?.querySelector('#shadow-hero');
const brand = [...doc.fonts].filter((f) => f.family.replace(/"/g, '') === 'Brand').map((f) => f.status);
return {
  width: img.naturalWidth, height: img.naturalHeight, src: img.currentSrc,
  background: doc.defaultView.getComputedStyle(hero).backgroundImage,
  fonts: brand,
  icon: icon ? [icon.naturalWidth, icon.naturalHeight, icon.currentSrc] : null,
  shadow: shadowHero ? doc.defaultView.getComputedStyle(shadowHero).backgroundImage : null,
};
"""


def agent_sees_the_assets(driver, session_id, shadow_root: bool = True) -> dict | None:
    state = driver.execute_script(STATE_JS)
    assets_url = f"/sessions/{session_id}/assets/"
    if not state or (state["width"], state["height"]) != (37, 23) or assets_url not in state["src"]:
        return None
    if assets_url not in state["background"] or "loaded" not in state["fonts"]:
        return None
    if not state["icon"] or state["icon"][:2] != [19, 11] or assets_url not in state["icon"][2]:
        return None
    if shadow_root and assets_url not in (state["shadow"] or ""):
        return None
    return state


def test_a_logged_in_apps_assets_reach_the_agent_from_supportreplay_only(
    support, browser, agent_browser, app
):
    from supportreplay.redis_client import get_redis

    app.page = PAGE.replace("SUPPORT", support.url)
    browser.get(f"{app.url}/login")
    recording = make_session(f"{app.url}/page")
    browser.get(f"{app.url}/page#sr={recording.credential}")
    wait_for(lambda: "Sharing this tab with" in banner_text(browser), timeout=20, message="recording")
    # The customer's page itself showed them (with its cookie).
    wait_for(
        lambda: browser.execute_script("return document.querySelector('#logo').naturalWidth") == 37,
        message="the customer's page shows its image",
    )
    wait_for(
        lambda: get_redis().hlen(keys.assets(recording.id)) >= 5,
        timeout=20,
        message="the images, the background and the font stored for the session",
    )
    # The SVG was stored as the PNG the customer's browser drew, never as SVG.
    stored = get_redis().hgetall(keys.assets(recording.id)).values()
    assert sorted(value.split(b"\n", 1)[0] for value in stored) == [
        b"font/woff2",
        b"image/png",
        b"image/png",
        b"image/png",
        b"image/png",
    ]
    assert not any(b"<svg" in value or b"alert(1)" in value for value in stored)
    # Images are read before stylesheets, so the rr-block image would be stored by now: it never is.
    events = all_events(recording.id)
    sent = {e["data"]["payload"]["url"] for e in events if e["type"] == 5 and e["data"]["tag"] == "sr.asset"}
    assert {url.removeprefix(app.url) for url in sent if url.startswith(app.url)} == {
        "/a/logo.png",
        "/a/hero.png",
        "/a/brand.woff2",
        "/a/icon.svg",
        "/a/shadow.png",
    }
    # The recorder's own copies are not the page's traffic: they never show in the network panel.
    network = [e for e in events if e["type"] == 6 and e["data"].get("plugin") == "rrweb/network@1"]
    assert not [
        r for e in network for r in e["data"]["payload"].get("requests", []) if "/a/" in r.get("name", "")
    ]
    customer_requests = sum(app.requests.values())
    app.requests.clear()

    agent = live.make_agent()
    sign_in(agent_browser, support.url, agent)
    agent_browser.get(f"{support.url}/sessions/{recording.id}/live")
    wait_for(lambda: iframe_text(agent_browser, "#ready") == "Your account", timeout=30, message="live view")
    wait_for(lambda: agent_sees_the_assets(agent_browser, recording.id), timeout=20, message="live assets")

    end_session(recording.id, "stop")
    assert archive_session(recording.id).status == "archived"
    assert not get_redis().exists(keys.assets(recording.id))  # served from the archive's storage now
    agent_browser.get(f"{support.url}/sessions/{recording.id}/?t=0.5")
    wait_for(lambda: iframe_text(agent_browser, "#ready") == "Your account", timeout=30, message="replay")
    replayed = wait_for(
        lambda: agent_sees_the_assets(agent_browser, recording.id, shadow_root=False),
        timeout=20,
        message="replay assets",
    )
    # rrweb sometimes leaves a shadow root's adopted stylesheet unapplied after a seek (2 runs in ~8 under
    # load; docs/FIDELITY.md): the replay may miss the rule, but never shows the site's own URL.
    assert replayed["shadow"] == "none" or f"/sessions/{recording.id}/assets/" in replayed["shadow"]

    assert customer_requests > 0
    assert sum(app.requests.values()) == 0, app.requests  # nothing from the agent's browser
