import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.helpers.processes import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


async def test_websocket_round_trip_through_a_real_daphne_and_redis(redis_db):
    with daphne() as server:
        async with connect(f"{server.ws_url}/ws/health/", origin=server.url, open_timeout=10) as ws:
            await ws.send(json.dumps({"echo": "hello support"}))
            reply = json.loads(await ws.recv())
    assert reply == {"echo": "hello support", "redis": "ok"}


async def test_websocket_from_a_foreign_origin_is_refused_by_daphne(redis_db):
    with daphne() as server, pytest.raises(InvalidStatus) as refused:
        async with connect(f"{server.ws_url}/ws/health/", origin="https://evil.example", open_timeout=10):
            pass
    assert refused.value.response.status_code == 403
