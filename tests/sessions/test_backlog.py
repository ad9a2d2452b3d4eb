"""The per-socket backlog (sessions/backlog.py): bounded in bytes and frames, in order, drained on end."""

from __future__ import annotations

import asyncio

from sessions.backlog import Backlog


def test_a_frame_that_would_cross_either_bound_is_refused_and_not_held():
    backlog = Backlog(max_bytes=100, max_frames=3)
    assert backlog.put("a", 60)
    assert not backlog.put("b", 41)  # 101 bytes
    assert backlog.put("b", 40)
    assert backlog.put("c", 0)
    assert not backlog.put("d", 0)  # a fourth frame
    assert (backlog.bytes, backlog.frames) == (100, 3)


async def test_frames_come_out_in_order_and_count_until_done():
    backlog = Backlog(max_bytes=100, max_frames=2)
    backlog.put("a", 10)
    backlog.put("b", 20)
    assert await backlog.take() == ("a", 10)
    assert not backlog.put("c", 1), "the frame being handled still counts"
    backlog.done(10)
    assert backlog.put("c", 1)
    assert await backlog.take() == ("b", 20)


async def test_end_lets_the_queued_frames_out_first_then_stops_the_worker():
    backlog = Backlog(max_bytes=100, max_frames=5)
    waiting = asyncio.ensure_future(backlog.take())
    await asyncio.sleep(0)
    backlog.put("a", 1)
    assert await waiting == ("a", 1)
    backlog.put("b", 1)
    backlog.end()
    assert not backlog.put("c", 1), "nothing is accepted after the end"
    assert await backlog.take() == ("b", 1)
    assert await backlog.take() is None


def test_drop_frees_every_queued_frame():
    backlog = Backlog(max_bytes=100, max_frames=5)
    for item in "abc":
        backlog.put(item, 30)
    backlog.drop()
    assert (backlog.bytes, backlog.frames, len(backlog.queue)) == (0, 0, 0)
