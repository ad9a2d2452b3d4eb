"""100 random cuts of the recorder's websocket during a scripted session, through a real daphne.

The reference recorder (tests/support/recorder.py: outbox, resend after `ready`, backoff, parts) talks to
daphne through a TCP proxy owned by the test; the proxy drops both sides of the connection at random moments:
during the handshake, between hello and ready, in the middle of a 300 KB frame, in the middle of the parts
of a 1.3 MB batch, between a stored batch and its ack. The real archive function then archives the
session, and the archive must hold every batch exactly once, seqs contiguous, events as sent.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from sessions.archive import service, source
from sessions.models import RecordingSession, SessionArchive, SessionState
from tests.helpers.processes import spawn_daphne
from tests.resilience.helpers import Stream, TcpProxy, wait_until
from tests.sessions.factories import make_session
from tests.support.recorder import SimRecorder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes, pytest.mark.timeout(90)]

CUTS = 100


@pytest.fixture
def server(redis_db):
    # The rate limit is not under test here: a burst of resends must not turn into 4429.
    proc = spawn_daphne(SUPPORTREPLAY_RATE_FRAMES_PER_SECOND="2000", SUPPORTREPLAY_RATE_BURST_FRAMES="4000")
    try:
        yield proc
    finally:
        proc.stop()


async def test_archive_holds_every_batch_exactly_once_after_100_random_cuts(server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    rng = random.Random(20261122)
    live = await database_sync_to_async(make_session)(f"{server.url}/demo/")
    proxy = await TcpProxy(server.port).start()
    recorder = SimRecorder(
        f"ws://127.0.0.1:{proxy.port}/ws/ingest/",
        live.credential,
        origin=server.url,
        backoff=(0.01, 0.2),
        rng=rng,
    )
    stream = Stream(recorder, interval=0.02, big_every=40, huge_every=120)
    await recorder.start()
    stream.start()
    try:
        while proxy.cuts < CUTS:
            if rng.random() < 0.7:
                await recorder.ready.wait()  # mid-stream: somewhere among frames and acks
                await asyncio.sleep(rng.uniform(0, 0.08))
            else:
                await wait_until(lambda: proxy.open_connections, timeout=10, every=0.001)
                await asyncio.sleep(rng.uniform(0, 0.01))  # handshake / hello / ready in flight
            proxy.cut()
        cut_connection = recorder.stats.connects  # read before any await: the connection just cut
        await stream.stop()
        # Say bye on the connection made after the last cut: when every batch was acked before that cut,
        # draining returns at once and a bye sent now would go to the dead socket (or none at all).
        await wait_until(
            lambda: recorder.stats.connects > cut_connection and recorder.ready.is_set(), timeout=10
        )
        await recorder.stop("stop", timeout=20)  # drain every batch, then bye: the session ends
    finally:
        await stream.stop()
        await recorder.close()
        await proxy.close()

    print(
        f"{CUTS} cuts: {len(stream.sent)} batches, {recorder.stats.connects} connects, "
        f"{recorder.stats.resent} batches resent, closes {recorder.stats.closes}"
    )
    assert recorder.ended is None
    assert recorder.acked == set(stream.sent), "every batch acked in the end"
    assert recorder.stats.resent > 0, "some cuts fell between a send and its ack"

    def ended() -> bool:
        return RecordingSession.objects.get(pk=live.id).state == SessionState.ENDED

    await wait_until(sync_to_async(ended), timeout=10, every=0.05)
    outcome = await sync_to_async(service.archive_session)(live.id)
    assert outcome.status == "archived"

    def archived():
        session = RecordingSession.objects.get(pk=live.id)
        archive = SessionArchive.objects.get(session=session)
        return session, archive, source.all_batches(session), service.verify_stored(archive)

    session, archive, batches, verified = await sync_to_async(archived)()
    assert session.state == SessionState.ARCHIVED
    assert [(b.tab, b.seq) for b in batches] == [("tab-1", seq) for seq in range(len(stream.sent))]
    assert [b.events for b in batches] == [stream.sent[seq] for seq in range(len(stream.sent))]
    tab = archive.tabs["tab-1"]
    assert (tab["gaps"], tab["duplicates"]) == ([], 0)
    assert verified == archive.event_count == sum(len(e) for e in stream.sent.values())
