"""Finding 8 (issue 12): the watch socket rides on the agent's session cookie, and browsers send that
cookie to a host whatever the port or scheme of the page. Only a page of this site's exact origin
(scheme, host and port) may open it, against a real daphne."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from websockets.exceptions import InvalidStatus

from tests.helpers import live
from tests.helpers.processes import daphne, free_port
from tests.helpers.wire import recv
from tests.security.conftest import ws_connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


async def _agent_session_cookie():
    agent = await database_sync_to_async(live.make_agent)()
    session = await database_sync_to_async(live.make_session)(agent)
    cookie = await database_sync_to_async(live.session_cookie)(agent)
    return session, cookie


async def _refused(url: str, origin: str, cookie: str, headers: dict | None = None) -> bool:
    try:
        async with ws_connect(url, origin, cookie, headers):
            return False
    except InvalidStatus as refused:
        return refused.response.status_code == 403


async def _admitted(url: str, origin: str, cookie: str, headers: dict | None = None) -> bool:
    async with ws_connect(url, origin, cookie, headers) as ws:
        return (await recv(ws))["t"] == "hello"


async def test_a_page_on_another_port_scheme_or_host_of_this_machine_cannot_open_the_watch_socket(
    server, redis_db
):
    session, cookie = await _agent_session_cookie()
    url = f"{server.ws_url}/ws/watch/{session.pk}/"
    other_port = free_port()
    for origin in (
        f"http://127.0.0.1:{other_port}",  # the attacker's page on another port of the same host
        "http://127.0.0.1",  # port 80 of the same host
        f"https://127.0.0.1:{server.port}",  # same host and port, other scheme
        f"http://localhost:{server.port}",  # another name in ALLOWED_HOSTS
        f"http://localhost:{other_port}",
    ):
        assert await _refused(url, origin, cookie), origin
    assert await _admitted(url, server.url, cookie)  # this site's own pages still work


async def test_behind_a_tls_proxy_the_public_https_origin_is_ours_and_plain_http_is_not(redis_db):
    session, cookie = await _agent_session_cookie()
    with daphne(BEHIND_TLS_PROXY="true", SUPPORTREPLAY_PUBLIC_URL="https://support.example") as proxied:
        url = f"{proxied.ws_url}/ws/watch/{session.pk}/"
        tls = {"X-Forwarded-Proto": "https"}
        # The proxy forwards the browser's Host: the https origin of that host is ours...
        assert await _admitted(url, f"https://127.0.0.1:{proxied.port}", cookie, tls)
        # ...and so is the configured public origin when the proxy rewrites the Host header.
        assert await _admitted(url, "https://support.example", cookie, tls)
        for origin in (
            f"http://127.0.0.1:{proxied.port}",  # the browser spoke TLS: an http page is another origin
            "https://support.example:8443",
            "http://support.example",
            f"https://127.0.0.1:{free_port()}",
        ):
            assert await _refused(url, origin, cookie, tls), origin
        # Without the proxy's header the connection was not TLS: the https origin is not this one.
        assert await _refused(url, f"https://127.0.0.1:{proxied.port}", cookie)
