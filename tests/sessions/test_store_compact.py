"""The live buffer stores large batches zstd-compressed, in the `ev` field the append script writes:
dedupe and acks are unchanged, every reader (stream reader, watcher catch-up and tail) gets the events
exactly as sent, and entries written raw still read."""

import msgpack
import pytest
from asgiref.sync import async_to_sync

from sessions import keys, store, stream_tail
from sessions.protocol import batch_stats
from supportreplay.redis_client import new_async_redis
from tests.sessions import long_session
from tests.support.events import T0, mouse_move_event

pytestmark = pytest.mark.django_db

SID = "00000000-0000-4000-8000-0000000000c1"


def test_a_snapshot_batch_is_stored_compressed_and_read_back_equal(redis_db):
    snapshot = next(long_session.batches(1))  # meta + a snapshot with a ~230 KB stylesheet
    small = [mouse_move_event(T0 + 5)]
    store.open_meta_sync(SID)
    for seq, events in enumerate((snapshot, small)):
        assert store.append_batch_sync(SID, "t", seq, events, batch_stats(events)).stored
    assert store.append_batch_sync(SID, "t", 1, small, batch_stats(small)).result == "dup"

    (_, first), (_, second) = redis_db.xrange(keys.events(SID))
    raw = msgpack.packb(snapshot, use_bin_type=True)
    assert first[b"ev"].startswith(store.ZSTD_MAGIC)
    assert len(first[b"ev"]) * 3 < len(raw)
    assert second[b"ev"] == msgpack.packb(small, use_bin_type=True)  # tiny batches stay raw
    assert int(redis_db.hget(keys.meta(SID), "bytes")) == len(first[b"ev"]) + len(second[b"ev"])
    assert [b.events for b in store.read_events(SID)] == [snapshot, small]


def test_watchers_get_plain_msgpack_from_catch_up_and_tail(redis_db):
    snapshot = next(long_session.batches(1))
    store.open_meta_sync(SID)
    store.append_batch_sync(SID, "t", 0, snapshot, batch_stats(snapshot))
    redis_db.xadd(
        keys.events(SID), {"tab": "t", "seq": 1, "ts": T0, "ev": msgpack.packb([{"a": 1}]), "full": 0}
    )

    async def read():
        client = new_async_redis()
        try:
            caught = [e async for e in stream_tail.catch_up(client, SID)]
            tail = await stream_tail.tail(client, SID, "0", None)
        finally:
            await client.aclose()
        return caught, tail

    caught, tail = async_to_sync(read)()
    assert [msgpack.unpackb(e.ev) for e in caught] == [snapshot, [{"a": 1}]]
    assert [e.ev for e in tail] == [e.ev for e in caught]
    assert caught[0].size == len(msgpack.packb(snapshot, use_bin_type=True))
