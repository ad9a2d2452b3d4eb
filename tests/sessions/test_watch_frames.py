import msgpack
import pytest

from sessions.watch_frames import snapshot_is_recent, split, stream_id_ms


def test_small_frame_is_sent_as_it_is():
    packed = msgpack.packb({"t": "batch", "ev": b"x" * 100})
    assert split(packed, 1024) == [packed]


def test_big_frame_becomes_parts_under_the_limit_that_join_back():
    packed = msgpack.packb({"t": "batch", "ev": bytes(range(256)) * 4000})
    parts = split(packed, 10_000)
    assert len(parts) > 1
    assert all(len(p) <= 10_000 for p in parts)
    frames = [msgpack.unpackb(p) for p in parts]
    assert [f["i"] for f in frames] == list(range(len(parts)))
    assert {f["n"] for f in frames} == {len(parts)}
    assert {f["t"] for f in frames} == {"part"}
    assert b"".join(f["data"] for f in frames) == packed


def test_a_limit_without_room_for_data_is_refused():
    with pytest.raises(ValueError, match="no room"):
        split(b"x" * 100, 10)


def test_snapshot_age_comes_from_its_stream_id():
    assert stream_id_ms("1733068800000-3") == 1733068800000
    assert stream_id_ms("") is None
    assert snapshot_is_recent("1000000-0", 1000000 + 59_000, 60)
    assert not snapshot_is_recent("1000000-0", 1000000 + 61_000, 60)
    assert not snapshot_is_recent("", 1000000, 60)
    assert not snapshot_is_recent("1000000-0", 1000000, 0)  # 0 disables reuse
    assert not snapshot_is_recent("2000000-0", 1000000, 60)  # from the future: clock trouble, ask anew
