"""The "Install on your site" page: the snippet and CSP for this server, and the live loader check against
real local HTTP servers (private addresses refused unless DEBUG, redirects, size cap, deadline)."""

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from supportreplay.install import loadercheck, snippet
from tests.helpers import live

pytestmark = pytest.mark.django_db

LOADER = "http://testserver/static/recorder/loader.js"


@contextlib.contextmanager
def site(pages: dict[str, tuple[int, dict, bytes]]):
    """A real HTTP server on a free loopback port answering `pages` (path -> status, headers, body)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/slow":
                time.sleep(3)
            status, headers, body = pages.get(self.path, (404, {}, b"missing"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value.replace("{port}", str(server.server_port)))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def page_with(src: str) -> bytes:
    head = f'<script src="{src}" async></script>'
    return f"<!doctype html><html><head>{head}</head><body>App</body></html>".encode()


@pytest.fixture
def local_mode(settings):
    """DEBUG on, as in `make run`: the check may fetch the loopback test servers."""
    settings.DEBUG = True


@pytest.fixture
def agent_client():
    client = Client()
    client.force_login(live.make_agent())
    return client


def test_the_page_shows_the_snippet_csp_and_origins_for_this_server(agent_client, settings):
    settings.SUPPORTREPLAY_PUBLIC_URL = "https://support.example.com"
    settings.SUPPORTREPLAY_ALLOWED_ORIGINS = ["https://app.example.com"]
    html = agent_client.get("/install/").content.decode()
    assert (
        "&lt;script src=&quot;https://support.example.com/static/recorder/loader.js&quot; async&gt;" in html
    )
    assert "script-src &#x27;self&#x27; https://support.example.com" in html
    assert "connect-src &#x27;self&#x27; wss://support.example.com" in html
    assert "<code>https://app.example.com</code>" in html
    assert "SUPPORTREPLAY_ALLOWED_ORIGINS" in html


def test_anonymous_users_are_sent_to_the_login_and_outsiders_get_403():
    assert Client().get("/install/").status_code == 302
    outsider = Client()
    outsider.force_login(live.make_agent(permitted=False))
    assert outsider.get("/install/").status_code == 403


def test_instructions_follow_the_scheme_of_the_base_url():
    local = snippet.instructions("http://127.0.0.1:8000/")
    assert local.ingest_url == "ws://127.0.0.1:8000/ws/ingest/"
    assert local.csp_connect_src == "connect-src 'self' ws://127.0.0.1:8000"


def test_the_check_finds_the_loader_through_a_redirect(agent_client, redis_db, local_mode):
    pages = {"/": (302, {"Location": "/app"}, b""), "/app": (200, {}, page_with(LOADER))}
    with site(pages) as base:
        html = agent_client.post("/install/", {"url": base + "/"}).content.decode()
    assert "The loader is on this page." in html
    assert "will be recorded" in html


def test_the_check_names_a_missing_loader_another_servers_loader_and_a_blocking_csp(
    agent_client, redis_db, local_mode
):
    csp = {"Content-Security-Policy": "default-src 'self'; script-src 'self'"}
    pages = {"/": (200, csp, page_with("https://other.example/static/recorder/loader.js"))}
    with site(pages) as base:
        html = agent_client.post("/install/", {"url": base + "/"}).content.decode()
    assert "The loader is not on this page." in html
    assert "another server" in html
    assert "script-src does not allow http://testserver" in html
    assert "connect-src does not allow ws://testserver" in html


def test_private_and_loopback_addresses_are_refused_unless_debug(settings):
    settings.DEBUG = False
    for url in ("http://127.0.0.1:9/", "http://10.1.2.3/", "http://169.254.169.254/latest/", "http://[::1]/"):
        with pytest.raises(loadercheck.CheckRefused, match="private or local"):
            loadercheck.check(url, LOADER, "ws://testserver")
    with pytest.raises(loadercheck.CheckRefused, match="http:// or https://"):
        loadercheck.check("file:///etc/passwd", LOADER, "ws://testserver")
    with pytest.raises(loadercheck.CheckRefused, match="user name"):
        loadercheck.check("http://user:pw@example.com/", LOADER, "ws://testserver")


def test_a_redirect_to_a_private_address_is_refused(local_mode, monkeypatch):
    original = loadercheck.resolve

    def production_after_the_first_hop(host, port, allow_private):
        # The local test server is reachable; every later hop is checked as in production.
        return original(host, port, allow_private and host == "127.0.0.1")

    monkeypatch.setattr(loadercheck, "resolve", production_after_the_first_hop)
    refused = pytest.raises(loadercheck.CheckRefused, match=r"10\.0\.0\.1 is a private or local")
    with site({"/": (302, {"Location": "http://10.0.0.1/admin"}, b"")}) as base, refused:
        loadercheck.check(base + "/", LOADER, "ws://testserver")


def test_redirect_loops_big_pages_and_slow_sites_are_bounded(monkeypatch, local_mode):
    big = page_with(LOADER) + b" " * (loadercheck.MAX_BYTES + 10)
    pages = {"/loop": (302, {"Location": "/loop"}, b""), "/big": (200, {}, big), "/slow": (200, {}, b"late")}
    with site(pages) as base:
        with pytest.raises(loadercheck.CheckRefused, match="redirects"):
            loadercheck.check(base + "/loop", LOADER, "ws://testserver")
        result = loadercheck.check(base + "/big", LOADER, "ws://testserver")
        assert (result.found, result.truncated) == (True, True)
        monkeypatch.setattr(loadercheck, "TIMEOUT_SECONDS", 0.5)
        with pytest.raises(loadercheck.CheckRefused, match="Could not fetch"):
            loadercheck.check(base + "/slow", LOADER, "ws://testserver")


def test_checks_are_rate_limited_per_address(agent_client, redis_db, settings):
    settings.SUPPORTREPLAY_LINK_RATE_PER_MINUTE = 1
    first = agent_client.post("/install/", {"url": "http://10.0.0.1/"}).content.decode()
    assert "private or local" in first
    second = agent_client.post("/install/", {"url": "http://10.0.0.1/"}).content.decode()
    assert "Too many checks in a minute" in second
