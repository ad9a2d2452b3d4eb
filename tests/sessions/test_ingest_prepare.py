"""Where a big batch's CPU work runs (sessions/ingest_prepare.py): off the event loop, in worker processes
by default, and one session at a time per session, so one client's sockets cannot queue the others out."""

import asyncio
import contextlib
import os
import secrets
import signal
import threading
from pathlib import Path

import msgpack
import pytest
from websockets.asyncio.client import connect

from sessions import ingest_prepare
from sessions.consumers.ingest import limits_from_settings
from sessions.protocol import ProtocolError
from tests.helpers.processes import spawn_daphne
from tests.support.events import now_ms


@pytest.fixture
def fresh_pool():
    """Pools built from the test's settings, shut down after it."""

    def reset():
        for pool in (ingest_prepare._processes, ingest_prepare._threads):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        ingest_prepare._processes, ingest_prepare._threads, ingest_prepare._warm = None, None, False

    reset()
    yield
    reset()


def frame(text: str) -> bytes:
    event = {"type": 6, "timestamp": now_ms(), "data": {"plugin": "x", "payload": {"t": text}}}
    return msgpack.packb({"t": "events", "seq": 0, "events": [event]}, use_bin_type=True)


async def test_a_big_batch_is_prepared_in_a_worker_process_and_refusals_come_back_as_protocol_errors(
    settings, fresh_pool
):
    settings.SUPPORTREPLAY_VALIDATION_PROCESSES = 1
    settings.SUPPORTREPLAY_OFFLOOP_BYTES = 1000
    limits = limits_from_settings()
    big = frame(secrets.token_urlsafe(50_000))
    # Before the worker answered, big batches go to threads (no customer waits for a worker to start).
    assert await ingest_prepare.run(5000, os.getpid, owner="s0") == os.getpid()
    ingest_prepare.warm_up()
    for _ in range(600):
        if ingest_prepare._warm:
            break
        await asyncio.sleep(0.1)
    assert ingest_prepare._warm
    decoded, prepared = await ingest_prepare.run(len(big), ingest_prepare.decode, big, limits, owner="s1")
    assert decoded == {"t": "events", "seq": 0}
    assert (prepared.seq, prepared.stats.events) == (0, 1)
    pids = await asyncio.gather(*(ingest_prepare.run(5000, os.getpid, owner=f"s{i}") for i in range(2)))
    assert os.getpid() not in pids, "a worker process, not daphne"
    assert len(set(pids)) == 1
    broken = big[:-10] + b"\xc1" * 10
    with pytest.raises(ProtocolError) as refused:
        await ingest_prepare.run(len(broken), ingest_prepare.decode, broken, limits, owner="s1")
    assert int(refused.value.code) == 4400


async def test_one_session_holds_one_worker_at_a_time_and_another_session_is_not_queued_behind_it(
    settings, fresh_pool
):
    settings.SUPPORTREPLAY_VALIDATION_PROCESSES = 0  # threads: the test can hold a job until it says so
    settings.SUPPORTREPLAY_VALIDATION_THREADS = 2
    settings.SUPPORTREPLAY_OFFLOOP_BYTES = 0
    release, running, peak = threading.Event(), [0], [0]
    lock = threading.Lock()

    def attacker_job() -> str:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(10)
        with lock:
            running[0] -= 1
        return "attacker"

    # Ten sockets of one session each queue a big frame; then another customer sends one.
    flood = [asyncio.create_task(ingest_prepare.run(1, attacker_job, owner="attacker")) for _ in range(10)]
    await asyncio.sleep(0.05)
    honest = await asyncio.wait_for(ingest_prepare.run(1, lambda: "honest", owner="honest"), 5)
    assert honest == "honest", "the other session got the second worker at once"
    release.set()
    assert await asyncio.gather(*flood) == ["attacker"] * 10
    assert peak[0] == 1, "the flooding session never held more than one worker"
    assert ingest_prepare._turns == {}, "turns are forgotten once a session has no job"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.processes
async def test_the_first_ingest_socket_starts_the_workers_and_a_sigkilled_daphne_leaves_none_behind():
    server = spawn_daphne()
    try:
        assert not _children(server.popen.pid), "a daphne that never records starts no worker"
        async with connect(f"{server.ws_url}/ws/ingest/", origin=server.url):
            pass
        workers: set[int] = set()
        for _ in range(300):
            workers = _children(server.popen.pid)
            if len(workers) >= 2:
                break
            await asyncio.sleep(0.1)
        assert len(workers) >= 2, "validation workers (and their resource tracker) run next to daphne"
        server.kill(signal.SIGKILL)
        for _ in range(100):
            if not any(_running(pid) for pid in workers):
                break
            await asyncio.sleep(0.1)
        assert not any(_running(pid) for pid in workers), "no orphan worker keeps its memory"
    finally:
        server.stop()


async def test_a_part_is_decoded_in_a_thread_and_an_events_frame_dressed_as_a_part_is_refused(settings):
    settings.SUPPORTREPLAY_OFFLOOP_BYTES = 0
    limits = limits_from_settings()
    part = msgpack.packb({"t": "part", "seq": 3, "i": 0, "n": 2, "data": b"x" * 1000}, use_bin_type=True)
    assert ingest_prepare.looks_like_part(part)
    frame, _ = await ingest_prepare.run(len(part), ingest_prepare.decode_part, part, limits, owner="s")
    assert (frame["t"], frame["seq"]) == ("part", 3)
    # A second "t" key wins when decoded: the frame is an events frame that starts like a part.
    pk = lambda v: msgpack.packb(v, use_bin_type=True)  # noqa: E731
    dressed = b"\x84" + pk("t") + pk("part") + pk("t") + pk("events") + pk("seq") + pk(0) + pk("events")
    dressed += pk(
        [{"type": 4, "timestamp": now_ms(), "data": {"href": "https://x/", "width": 1, "height": 1}}]
    )
    assert ingest_prepare.looks_like_part(dressed)
    with pytest.raises(ProtocolError) as refused:
        await ingest_prepare.run(len(dressed), ingest_prepare.decode_part, dressed, limits, owner="s")
    assert int(refused.value.code) == 4400
    assert not ingest_prepare.looks_like_part(pk({"t": "events", "seq": 0, "events": []}))
