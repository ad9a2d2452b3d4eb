"""Per-process counters of the ingest socket, pure (the clock is passed in): sockets and bytes per session."""

import uuid

from sessions.ratelimit import ProcessSockets, TokenBucket


def test_token_bucket_refills_at_its_rate_up_to_its_burst():
    bucket = TokenBucket(rate=100, burst=300)
    assert bucket.take(300, now=10.0)
    assert not bucket.take(1, now=10.0)
    assert bucket.take(100, now=11.0)
    assert not bucket.take(301, now=100.0), "never more than the burst"


def test_sockets_of_one_session_are_capped_and_counted_down(settings):
    settings.SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION = 2
    sockets, sid, other = ProcessSockets(), uuid.uuid4(), uuid.uuid4()
    assert sockets.take(sid)
    assert sockets.take(sid)
    assert not sockets.take(sid)
    assert sockets.take(other)
    sockets.release(sid)
    assert sockets.take(sid)


def test_all_sockets_of_a_session_share_one_byte_budget_forgotten_with_the_last_socket(settings):
    settings.SUPPORTREPLAY_SESSION_RATE_BYTES_PER_SECOND = 1000
    settings.SUPPORTREPLAY_SESSION_RATE_BURST_BYTES = 5000
    sockets, sid, other = ProcessSockets(), uuid.uuid4(), uuid.uuid4()
    sockets.take(sid)
    sockets.take(sid)
    sockets.take(other)
    assert sockets.allow_bytes(sid, 3000, now=1.0)
    assert not sockets.allow_bytes(sid, 3000, now=1.0), "a second socket of the session shares the budget"
    assert sockets.allow_bytes(other, 5000, now=1.0), "another session has its own"
    assert sockets.allow_bytes(sid, 3000, now=2.0)
    assert not sockets.has_budget(sid, 1000, now=2.0), "a new socket is not let in to an empty budget"
    assert sockets.has_budget(sid, 1000, now=3.0)
    sockets.release(sid)
    sockets.release(sid)
    assert sid not in sockets.buckets
