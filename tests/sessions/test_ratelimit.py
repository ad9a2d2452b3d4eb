"""Per-process counters of the ingest socket, pure (the clock is passed in): sockets and bytes per session."""

import uuid

from sessions.ratelimit import PendingHellos, ProcessSockets, TokenBucket


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


def test_all_sockets_of_a_session_share_one_byte_budget(settings):
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


def test_reconnecting_every_socket_buys_no_fresh_burst_and_a_refilled_budget_is_forgotten(settings):
    settings.SUPPORTREPLAY_SESSION_RATE_BYTES_PER_SECOND = 1000
    settings.SUPPORTREPLAY_SESSION_RATE_BURST_BYTES = 5000
    sockets, sid = ProcessSockets(), uuid.uuid4()
    sockets.take(sid, now=1.0)
    assert sockets.allow_bytes(sid, 5000, now=1.0)
    sockets.release(sid)
    sockets.take(sid, now=1.5)
    assert not sockets.allow_bytes(sid, 1000, now=1.5), "the spent budget outlived the last socket"
    sockets.release(sid)
    sockets.take(uuid.uuid4(), now=10.0)  # another session's hello sweeps: sid has refilled, no socket
    assert sid not in sockets.buckets


def test_an_ended_or_full_session_is_refused_from_memory_and_the_memory_is_bounded(monkeypatch):
    monkeypatch.setattr("sessions.ratelimit.REFUSED_MEMORY", 3)
    sockets, ended, full = ProcessSockets(), uuid.uuid4(), uuid.uuid4()
    assert sockets.refusal(ended) is None
    sockets.refuse_from_now_on(ended, 4410)
    sockets.refuse_from_now_on(full, 4420)
    assert (sockets.refusal(ended), sockets.refusal(full)) == (4410, 4420)
    for _ in range(3):
        sockets.refuse_from_now_on(uuid.uuid4(), 4410)
    assert sockets.refusal(ended) is None, "the oldest are forgotten (they pay a database lookup again)"


def test_sockets_waiting_for_hello_are_capped_per_address(settings):
    settings.SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP = 2
    pending = PendingHellos()
    assert pending.take("203.0.113.7")
    assert pending.take("203.0.113.7")
    assert not pending.take("203.0.113.7")
    assert pending.take("198.51.100.1"), "another address has its own places"
    pending.release("203.0.113.7")
    assert pending.take("203.0.113.7")
    settings.SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP = 0
    assert all(pending.take("203.0.113.7") for _ in range(100)), "0 turns the cap off"
