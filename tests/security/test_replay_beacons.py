"""Finding 11 (issue 12): viewing a recording must not make the agent's browser fetch anything from the
recorded site (or any other origin): its IP address and viewing time would leak to that site.

A real customer Chromium records a page of a local "recorded site" that references ~20 outside URLs
(img, srcset, picture, CSS url(), @import, @font-face, video/audio/poster, preload, prefetch, stylesheet,
icon, SVG image, cursor, border-image, preconnect and dns-prefetch hints, and a preconnect and an image
added after the first snapshot). That server counts every connection and request. Then a second
Chromium (the agent) watches the session live and replays its archive: zero connections, and the page
says assets were blocked. With SUPPORTREPLAY_REPLAY_REMOTE_ASSETS=true the same replay does reach the
site (the setting works, and the counter can count).
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sessions.archive.service import archive_session
from sessions.events import EventType
from sessions.services import end_session
from tests.e2e.conftest import banner_text, stream_batches, wait_for
from tests.e2e.live_helpers import iframe_text, sign_in
from tests.helpers import live
from tests.helpers.processes import daphne, free_port
from tests.sessions.factories import make_session

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ff"
    "ff3f0005fe02fea7d6a4bd0000000049454e44ae426082"
)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Recorded site</title>
<link rel="stylesheet" href="{site}/a/link.css">
<link rel="preload" as="image" href="{site}/a/preload.png">
<link rel="preload" as="font" href="{site}/a/preload.woff2" crossorigin>
<link rel="icon" href="{site}/a/icon.png">
<link rel="prefetch" href="{site}/a/prefetch.png">
<link rel="preconnect" href="{site}">
<link rel="dns-prefetch" href="{site}">
<style>
@import url("{site}/a/import.css");
@font-face {{ font-family: Evil; src: url("{site}/a/font.woff2") format("woff2"); }}
body {{ font-family: Evil, sans-serif; background-image: url("{site}/a/bg.png"); }}
.cursor {{ cursor: url("{site}/a/cursor.png"), auto; }}
.border {{ border: 10px solid; border-image: url("{site}/a/border.png") 30 round; }}
ul.list {{ list-style-image: url("{site}/a/list.png"); }}
</style>
<script src="{support}/static/recorder/loader.js"></script>
</head><body>
<h1 id="ready">recorded</h1>
<img src="{site}/a/img.png" alt="">
<img src="{site}/a/srcset-1x.png" srcset="{site}/a/srcset-2x.png 2x, {site}/a/srcset-3x.png 3x" alt="">
<picture><source srcset="{site}/a/picture.webp" type="image/webp">
<img src="{site}/a/picture.png" alt=""></picture>
<video src="{site}/a/video.mp4" poster="{site}/a/poster.png" preload="auto"></video>
<audio src="{site}/a/audio.mp3" preload="auto"></audio>
<video><source src="{site}/a/source.mp4" type="video/mp4"></video>
<svg width="10" height="10"><image href="{site}/a/svg.png" width="10" height="10"/></svg>
<input type="image" src="{site}/a/input.png" alt="go">
<div class="cursor border" style="background: url('{site}/a/inline-style.png')">styled</div>
<ul class="list"><li>item</li></ul>
<table background="{site}/a/table.png"><tr><td>t</td></tr></table>
<script>
// Added after the first snapshot: reaches the replay as a mutation, not in the full snapshot.
setTimeout(() => {{
  document.head.append(Object.assign(document.createElement("link"), {{rel: "preconnect", href: "{site}"}}));
  const late = Object.assign(document.createElement("img"), {{src: "{site}/a/late.png", id: "late"}});
  document.body.append(late);
}}, 300);
</script>
</body></html>"""


class RecordedSite:
    """The recorded site: serves the page and counts every connection and request it gets."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.connections = 0
        self.page = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                site.connections += 1
                super().setup()

            def do_GET(self) -> None:
                site.requests[self.path] += 1
                if self.path.startswith("/page"):
                    body, kind = site.page.encode(), "text/html; charset=utf-8"
                elif self.path.endswith(".css"):
                    body, kind = b"h1 { color: rgb(1, 2, 3); }", "text/css"
                else:
                    body, kind = PNG, "image/png"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        self.requests.clear()
        self.connections = 0

    def asset_hits(self) -> int:
        return sum(n for path, n in self.requests.items() if path.startswith("/a/"))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    server = RecordedSite()
    try:
        yield server
    finally:
        server.close()


def _blocked_count(driver) -> int:
    return int(
        driver.execute_script(
            "const n = document.querySelector('[data-blocked-assets]');return n ? n.dataset.blockedAssets : 0"
        )
    )


def _recorded_session(site, support_url: str, customer) -> object:
    site.page = PAGE.format(site=site.url, support=support_url)
    # Asset capture off: this test is about what the agent fetches, not what the recorder copies.
    recording = make_session(f"{site.url}/page", capture_assets=False)
    customer.get(f"{site.url}/page#sr={recording.credential}")
    wait_for(lambda: "Sharing this tab with" in banner_text(customer), timeout=20, message="recording")
    wait_for(
        lambda: any(
            e["type"] == EventType.FULL_SNAPSHOT for b in stream_batches(recording.id) for e in b.events
        ),
        timeout=20,
        message="the page's full snapshot in the stream",
    )
    assert site.asset_hits() >= 15  # the customer's own browser did load the assets
    return recording


def _rebuilt(driver) -> bool:
    return iframe_text(driver, "#ready") == "recorded" and iframe_text(driver, "#late") is not None


@pytest.fixture
def support(redis_db, settings, tmp_path):
    """A daphne sharing this test's media directory (the archive is written here, read there)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with daphne(MEDIA_ROOT=settings.MEDIA_ROOT) as server:
        yield server


def test_live_view_and_replay_fetch_nothing_from_the_recorded_site(support, browser, agent_browser, site):
    recording = _recorded_session(site, support.url, browser)
    agent = live.make_agent()
    sign_in(agent_browser, support.url, agent)
    site.reset()

    agent_browser.get(f"{support.url}/sessions/{recording.id}/live")
    wait_for(lambda: _rebuilt(agent_browser), timeout=30, message="live view rebuilt the page")
    wait_for(lambda: _blocked_count(agent_browser) >= 15, timeout=20, message="the live view says so")
    assert "not loaded" in agent_browser.find_element("css selector", "[data-blocked-assets]").text

    end_session(recording.id, "stop")
    assert archive_session(recording.id).status == "archived"
    agent_browser.get(f"{support.url}/sessions/{recording.id}/?t=0")
    # Paused at 0: the first snapshot (the late image is a mutation 300 ms on; the live view covered it).
    wait_for(lambda: iframe_text(agent_browser, "#ready") == "recorded", timeout=30, message="replay")
    wait_for(lambda: _blocked_count(agent_browser) >= 15, timeout=20, message="the replay says so")

    assert dict(site.requests) == {}
    assert site.connections == 0


def test_an_admin_can_allow_the_recorded_sites_assets(
    redis_db, browser, agent_browser, site, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with daphne(MEDIA_ROOT=str(tmp_path / "media"), SUPPORTREPLAY_REPLAY_REMOTE_ASSETS="true") as server:
        recording = _recorded_session(site, server.url, browser)
        end_session(recording.id, "stop")
        assert archive_session(recording.id).status == "archived"
        agent = live.make_agent()
        sign_in(agent_browser, server.url, agent)
        site.reset()
        agent_browser.get(f"{server.url}/sessions/{recording.id}/?t=0")
        # Paused at 0: the first snapshot is on screen (the late image, 300 ms on, is not yet).
        wait_for(lambda: iframe_text(agent_browser, "#ready") == "recorded", timeout=30, message="replay")
        wait_for(lambda: site.asset_hits() > 0, timeout=20, message="the replay loads the site's images")
