"""With the default settings a frame just over 1 MiB reaches the consumer and gets 4413.

daphne's own cap sits at twice SUPPORTREPLAY_MAX_FRAME_BYTES (scripts/run.py, Procfile, the test helper), so
the customer's recorder learns *why* the server refused instead of seeing a dropped connection.
"""

import pytest

from sessions import store
from tests.helpers.processes import daphne
from tests.helpers.wire import close_code, pack, recv
from tests.sessions.test_ingest_daphne import open_socket, target_session
from tests.support.events import T0, console_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


async def test_frame_just_over_one_mebibyte_gets_4413_from_a_default_daphne(redis_db):
    with daphne() as server:
        live = await target_session(server)
        async with open_socket(server) as ws:
            await ws.send(pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 0}))
            assert (await recv(ws))["options"]["max_frame"] == 1024 * 1024
            await ws.send(
                pack({"t": "events", "seq": 0, "events": [console_event("x" * (1024 * 1024), ts=T0 + 1)]})
            )
            assert await close_code(ws) == 4413
    assert list(store.read_events(live.id)) == []
