"""The deploy nginx's per-client-address limits on /ws/ (deploy/nginx/supportreplay.conf.template, documented
in docs/DEPLOY.md): a real nginx rendered from the template in front of a websocket server that holds every
socket open. One address that opens too many sockets, or too many too fast, gets 429 from nginx; another
address is served all along. The numbers are read from the rendered configuration (one source of truth).
"""

from __future__ import annotations

import asyncio
import contextlib
import re

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import InvalidStatus

from tests.deploy import proxy as nginx_proxy
from tests.helpers.processes import free_port

pytestmark = [pytest.mark.processes]


def limits(conf: str) -> tuple[int, int, int]:
    """(open sockets, new sockets per second, burst) per address for /ws/."""
    conns = int(re.search(r"limit_conn supportreplay_ws_conn (\d+);", conf).group(1))
    rate = int(re.search(r"zone=supportreplay_ws_req:\S+ rate=(\d+)r/s;", conf).group(1))
    burst = int(re.search(r"limit_req zone=supportreplay_ws_req burst=(\d+) nodelay;", conf).group(1))
    return conns, rate, burst


@pytest.fixture
async def proxied():
    async def hold(ws):
        await ws.wait_closed()

    port = free_port()
    async with serve(hold, "127.0.0.1", port):
        proxy = await asyncio.to_thread(nginx_proxy.start, [port])
        try:
            yield proxy
        finally:
            await asyncio.to_thread(proxy.stop)


async def open_from(proxy, source: str):
    """A websocket to /ws/ingest/ through nginx from `source`, or the HTTP status that refused it."""
    try:
        return await connect(
            f"{proxy.ws_url()}/ws/ingest/",
            ssl=nginx_proxy.client_tls(),
            open_timeout=10,
            ping_interval=None,
            **proxy.connect_options(source),
        )
    except InvalidStatus as refused:
        return refused.response.status_code


async def test_one_address_gets_429_past_its_open_sockets_and_handshake_rate_and_another_is_served(proxied):
    conns, rate, burst = limits((proxied.workdir / "supportreplay.conf").read_text())
    assert conns >= 10, "room for one recording's sockets (SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION)"
    held = []
    try:
        # A storm from one address: twice the burst at once. The burst passes, the rest is refused.
        storm = await asyncio.gather(*(open_from(proxied, "127.0.0.3") for _ in range(2 * burst)))
        held += [ws for ws in storm if not isinstance(ws, int)]
        refused = [s for s in storm if isinstance(s, int)]
        assert set(refused) == {429}
        assert burst <= len(held) <= burst + rate
        other = await open_from(proxied, "127.0.0.2")
        assert not isinstance(other, int), "another address is not limited by the first one's storm"
        held.append(other)

        # Open sockets: slowly (within the rate) up to the cap, then one more is refused by the cap.
        ws = None
        for _ in range(conns - len(held) + 2):
            await asyncio.sleep(1.2 / rate)
            ws = await open_from(proxied, "127.0.0.3")
            if isinstance(ws, int):
                break
            held.append(ws)
        assert ws == 429
        assert len([w for w in held if w.local_address[0] == "127.0.0.3"]) == conns
        # One of them closes: the address may open another one.
        first = next(w for w in held if w.local_address[0] == "127.0.0.3")
        await first.close()
        held.remove(first)
        await asyncio.sleep(1.2 / rate)
        again = await open_from(proxied, "127.0.0.3")
        assert not isinstance(again, int)
        held.append(again)
    finally:
        for ws in held:
            with contextlib.suppress(Exception):
                await ws.close()
