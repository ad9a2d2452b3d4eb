"""Session lifecycle: idle and over-long sweeps, end_session's Redis mark and archive task, and a Redis that
refuses writes mid-session (nothing half-stored; the client's resend fills the hole)."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.test import override_settings
from django.utils import timezone

from sessions import keys, services, store
from sessions.models import EndReason, RecordingSession, SessionState
from supportreplay.redis_client import get_redis
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import IngestSocket
from tests.support.events import mouse_move_event

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import localredis

pytestmark = pytest.mark.django_db(transaction=True)


def state(live) -> tuple[str, str]:
    session = RecordingSession.objects.get(pk=live.id)
    return session.state, session.end_reason


def set_meta(live, **fields) -> None:
    get_redis().hset(keys.meta(live.id), mapping={"status": "live", **fields})


def ms_ago(minutes: float) -> int:
    return int((timezone.now() - timedelta(minutes=minutes)).timestamp() * 1000)


def test_idle_sweep_ends_only_sessions_without_connection_and_activity(redis_db):
    never_connected = make_session(started_minutes_ago=11)
    fresh = make_session(started_minutes_ago=1)
    quiet_but_connected = make_session(started_minutes_ago=30)
    set_meta(quiet_but_connected, connected=1, heartbeat=ms_ago(0.2), last_activity=ms_ago(20))
    crashed_daphne = make_session(started_minutes_ago=30)
    set_meta(crashed_daphne, connected=1, heartbeat=ms_ago(15), last_activity=ms_ago(15))
    recently_active = make_session(started_minutes_ago=30)
    set_meta(recently_active, connected=0, last_activity=ms_ago(2))

    ended = services.end_idle_sessions()

    assert set(ended) == {never_connected.id, crashed_daphne.id}
    assert state(never_connected) == (SessionState.ENDED, EndReason.IDLE)
    for live in (fresh, quiet_but_connected, recently_active):
        assert state(live) == (SessionState.LIVE, "")
    assert services.end_idle_sessions() == []


def test_overlong_sweep_ends_sessions_past_max_duration(redis_db):
    old = make_session(started_minutes_ago=121)
    young = make_session(started_minutes_ago=119)
    assert services.end_overlong_sessions() == [old.id]
    assert state(old) == (SessionState.ENDED, EndReason.MAX_DURATION)
    assert state(young) == (SessionState.LIVE, "")


def test_end_session_marks_redis_and_queues_the_archive_task_once(redis_db):
    live = make_session()
    assert services.end_session(live.id, EndReason.REVOKED)
    assert not services.end_session(live.id, EndReason.IDLE)
    assert store.read_meta(live.id).status == "ended"
    assert redis_db.llen("celery") == 1  # the broker queue: one recordings.archive_session message
    assert b"recordings.archive_session" in redis_db.lindex("celery", 0)


@pytest_asyncio.fixture
async def private_redis():
    url, proc = localredis.start_private()
    try:
        with override_settings(REDIS_URL=url):
            yield store.AsyncStore(store.new_bounded_async_redis())
    finally:
        await IngestSocket.disconnect_all()
        proc.terminate()
        proc.wait(10)


async def test_redis_refusing_writes_closes_1011_stores_nothing_and_resend_fills_in(redis_db, private_redis):
    live = await database_sync_to_async(make_session)()
    client = private_redis.client
    recorder, _, _ = await IngestSocket.connect()
    assert (await recorder.hello(live.credential))["acked"] == -1
    assert await recorder.events(0, [mouse_move_event(x=0)]) == {"t": "ack", "seq": 0}

    await client.config_set("maxmemory", "1")  # every write is refused with OOM from now on
    await recorder.send({"t": "events", "seq": 1, "events": [mouse_move_event(x=1)]})
    assert await recorder.closed_with() == 1011
    assert await client.xlen(keys.events(live.id)) == 1
    assert await client.hget(keys.acked(live.id), "tab-1") == b"0"
    assert await client.hget(keys.meta(live.id), "batches") == b"1"

    await client.config_set("maxmemory", "0")
    recorder, _, _ = await IngestSocket.connect()
    assert (await recorder.hello(live.credential))["acked"] == 0
    assert await recorder.events(1, [mouse_move_event(x=1)]) == {"t": "ack", "seq": 1}
    assert await client.xlen(keys.events(live.id)) == 2
    await client.aclose()
