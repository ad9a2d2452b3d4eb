"""The Redis store on a real Redis: atomic append with dedupe, meta, connection accounting, reading."""

import uuid

import pytest

from sessions import keys, store
from sessions.protocol import batch_stats
from tests.support.events import console_event, full_snapshot_event, meta_event, mouse_move_event

pytestmark = pytest.mark.usefixtures("redis_db")


def append(sid, tab, seq, events):
    return store.append_batch_sync(sid, tab, seq, events, batch_stats(events))


def live_session() -> uuid.UUID:
    sid = uuid.uuid4()
    store.open_meta_sync(sid)
    return sid


def test_append_stores_batch_and_updates_acked_and_meta():
    sid = live_session()
    first = append(sid, "a", 0, [meta_event(href="https://shop.example/"), full_snapshot_event()])
    second = append(sid, "a", 1, [mouse_move_event(), console_event("x", level="error", ts=1)])
    assert (first.result, second.result) == ("ok", "ok")
    batches = list(store.read_events(sid))
    assert [(b.tab, b.seq, b.full, len(b.events)) for b in batches] == [("a", 0, True, 2), ("a", 1, False, 2)]
    assert batches[0].stream_id == first.stream_id
    meta = store.read_meta(sid)
    assert (meta.events, meta.batches, meta.errors, meta.snapshot_id) == (4, 2, 1, first.stream_id)
    assert meta.page_url == "https://shop.example/"
    assert meta.viewport == "1280x800"
    assert meta.bytes > 0
    assert store.read_acked(sid) == {"a": 1}


def test_repeated_seq_is_stored_once_and_reports_duplicate():
    sid = live_session()
    append(sid, "a", 0, [mouse_move_event()])
    again = append(sid, "a", 0, [mouse_move_event(x=99)])
    assert again.result == "dup"
    assert again.acked == 0
    assert len(list(store.read_events(sid))) == 1
    assert store.read_meta(sid).batches == 1


def test_seq_gap_is_stored_and_counted():
    sid = live_session()
    append(sid, "a", 0, [mouse_move_event()])
    gap = append(sid, "a", 5, [mouse_move_event()])
    assert gap.result == "gap"
    assert gap.stored
    assert store.read_meta(sid).gaps == 1
    assert store.read_acked(sid) == {"a": 5}


def test_tabs_have_their_own_seqs():
    sid = live_session()
    append(sid, "a", 0, [mouse_move_event()])
    assert append(sid, "b", 0, [mouse_move_event()]).result == "ok"
    assert store.read_acked(sid) == {"a": 0, "b": 0}


def test_append_is_refused_once_session_is_marked_ended_or_never_opened():
    sid = live_session()
    store.mark_ended(sid)
    assert append(sid, "a", 0, [mouse_move_event()]).result == "ended"
    unknown = uuid.uuid4()
    assert append(unknown, "a", 0, [mouse_move_event()]).result == "ended"
    assert not store.get_redis().exists(keys.events(sid), keys.events(unknown))


def test_read_events_pages_and_respects_count_and_range():
    sid = live_session()
    ids = [append(sid, "a", seq, [mouse_move_event(x=seq)]).stream_id for seq in range(7)]
    assert [b.seq for b in store.read_events(sid, page=3)] == list(range(7))
    assert [b.seq for b in store.read_events(sid, count=4, page=3)] == [0, 1, 2, 3]
    assert [b.seq for b in store.read_events(sid, start=ids[2], end=ids[4])] == [2, 3, 4]


async def test_connection_accounting_counts_up_and_down_and_never_recreates_deleted_meta(redis_db):
    sid = uuid.uuid4()
    async_store = store.AsyncStore(store.new_bounded_async_redis())
    try:
        assert await async_store.open_connection(sid, "a") == -1
        assert await async_store.open_connection(sid, "b") == -1
        assert store.read_meta(sid).connected == 2
        await async_store.close_connection(sid)
        assert store.read_meta(sid).connected == 1
        redis_db.delete(*keys.all_keys(sid))  # the archive deleted the session's keys
        await async_store.close_connection(sid)
        await async_store.heartbeat(sid)
        assert not redis_db.exists(keys.meta(sid))
        store.mark_ended(sid)
        assert await async_store.open_connection(sid, "a") is None
    finally:
        await async_store.client.aclose()


async def test_session_socket_cap_counts_live_sockets_of_every_process_and_forgets_stale_ones(redis_db):
    sid = uuid.uuid4()
    async_store = store.AsyncStore(store.new_bounded_async_redis())
    stale_ms = 90_000
    try:
        for n in range(3):
            await async_store.open_connection(sid, "t", socket_id=f"s{n}", max_sockets=3, stale_ms=stale_ms)
        with pytest.raises(store.TooManySockets):
            await async_store.open_connection(sid, "t", socket_id="s3", max_sockets=3, stale_ms=stale_ms)
        await async_store.close_connection(sid, "s0")
        await async_store.open_connection(sid, "t", socket_id="s3", max_sockets=3, stale_ms=stale_ms)
        # A daphne killed with its sockets open left s1: once its heartbeat is stale it does not count.
        redis_db.zadd(keys.sockets(sid), {"s1": store.now_ms() - stale_ms - 1})
        await async_store.open_connection(sid, "t", socket_id="s4", max_sockets=3, stale_ms=stale_ms)
        assert sorted(redis_db.zrange(keys.sockets(sid), 0, -1)) == [b"s2", b"s3", b"s4"]
    finally:
        await async_store.client.aclose()


async def test_quota_refuses_the_batch_that_would_cross_it_before_storing_anything(redis_db):
    sid = live_session()
    async_store = store.AsyncStore(store.new_bounded_async_redis())
    events = [console_event("x" * 1000, ts=1)]
    ev = store.encode_events(events)
    stats = batch_stats(events)
    try:
        results = [
            (await async_store.append(sid, "t", seq, ev, stats, quota=3 * len(ev))).result for seq in range(4)
        ]
        assert results == ["ok", "ok", "ok", "quota"]
        assert redis_db.xlen(keys.events(sid)) == 3
        assert store.read_meta(sid).bytes == 3 * len(ev)
        assert (await async_store.append(sid, "t", 2, ev, stats, quota=3 * len(ev))).result == "dup"
    finally:
        await async_store.client.aclose()
