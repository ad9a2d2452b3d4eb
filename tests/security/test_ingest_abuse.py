"""Red team against a real daphne + Redis: issue #12 findings 1, 2, 4 (quota), 5 and 6.

Each test reproduces one finding with small limits (set on the daphne below) and asserts on outcomes
only: close codes, what Redis holds, how many Redis clients exist, and that an honest customer streaming
alongside got every ack and was never closed. docs/PROTOCOL.md ("Limits") lists every limit tested here.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sys
from pathlib import Path

import msgpack
import pytest
import redis
from channels.db import database_sync_to_async
from websockets.exceptions import ConnectionClosed

from sessions import keys, store
from sessions.archive.service import archive_session
from sessions.models import EndReason, RecordingSession
from sessions.services import end_session
from tests.helpers.processes import spawn_daphne
from tests.helpers.wire import close_code, pack, recv
from tests.security.conftest import SERVER_ENV, ws_connect
from tests.sessions.factories import make_session
from tests.support.events import T0, console_event, full_snapshot_event, meta_event

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import localredis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

QUOTA = 200_000
ABUSE_ENV = {
    **SERVER_ENV,
    "SUPPORTREPLAY_SESSION_MAX_BYTES": str(QUOTA),
    "SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION": "3",
    "SUPPORTREPLAY_PARTS_MAX_AGE_SECONDS": "1",
    "SUPPORTREPLAY_PARTS_PROCESS_BYTES": "500000",
    "SUPPORTREPLAY_REDIS_POOL_SIZE": "4",
    "SUPPORTREPLAY_SESSION_RATE_BYTES_PER_SECOND": "50000",
    "SUPPORTREPLAY_SESSION_RATE_BURST_BYTES": "400000",
    "SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP": "4",
}
POOL = int(ABUSE_ENV["SUPPORTREPLAY_REDIS_POOL_SIZE"])


@pytest.fixture(scope="module")
def abuse_server(django_db_setup, django_db_blocker):
    proc = spawn_daphne(**ABUSE_ENV)
    try:
        yield proc
    finally:
        proc.stop()


new_session = database_sync_to_async(make_session)


async def hello(server, credential: str, tab: str = "t1"):
    """A socket that said hello; returns (socket, the server's first answer)."""
    ws = await ws_connect(f"{server.ws_url}/ws/ingest/", server.url)
    await ws.send(pack({"t": "hello", "cred": credential, "tab": tab, "page": 0}))
    try:
        return ws, await recv(ws, timeout=60)
    except ConnectionClosed as closed:
        return ws, {"closed": closed.rcvd.code if closed.rcvd else 1006}


class Honest:
    """A customer streaming small batches next to an attack: every batch must be acked, never closed."""

    def __init__(self, ws) -> None:
        self.ws, self.seq = ws, 0

    @classmethod
    async def start(cls, server) -> Honest:
        live = await new_session(f"{server.url}/demo/")
        ws, ready = await hello(server, live.credential)
        assert ready["t"] == "ready"
        return cls(ws)

    async def batch(self) -> None:
        await self.ws.send(pack({"t": "events", "seq": self.seq, "events": [console_event("ok", ts=T0)]}))
        assert await recv(self.ws, timeout=30) == {"t": "ack", "seq": self.seq}
        self.seq += 1


def empty_maps(size: int) -> dict:
    """An events frame of about `size` bytes that is ~all empty maps: the cheapest bytes to send and,
    unbounded, the most expensive to validate."""
    return {"t": "events", "seq": 0, "events": [{"type": 3, "timestamp": T0, "data": {"a": [{}] * size}}]}


# --- Finding 1: work before authentication, validation cost ----------------------------------------


async def test_nothing_but_a_small_hello_is_parsed_before_the_credential(abuse_server, redis_db):
    live = await new_session(f"{abuse_server.url}/demo/")
    honest = await Honest.start(abuse_server)
    # A valid hello padded past the hello cap: the server must refuse it unread.
    padded = pack({"t": "hello", "cred": live.credential, "tab": "t1", "page": 0, "pad": "x" * 200_000})
    # An events frame before hello whose tail is not msgpack: parsing it would answer 4400, not 4401.
    unparsed = pack(empty_maps(100_000))[:-10] + b"\xc1" * 10
    for frame in (padded, unparsed, pack(empty_maps(200_000))):
        ws = await ws_connect(f"{abuse_server.ws_url}/ws/ingest/", abuse_server.url)
        await ws.send(frame)
        assert await close_code(ws, timeout=10) == 4401
        await honest.batch()
    assert store.read_meta(live.id) is None, "the padded hello opened the session"


async def test_a_frame_denser_than_one_value_per_two_bytes_is_refused_unstored(abuse_server, redis_db):
    live = await new_session(f"{abuse_server.url}/demo/")
    honest = await Honest.start(abuse_server)
    ws, ready = await hello(abuse_server, live.credential)
    assert ready["t"] == "ready"
    await ws.send(pack(empty_maps(200_000)))
    assert await close_code(ws, timeout=30) == 4400
    await honest.batch()
    assert list(store.read_events(live.id)) == []


# --- Finding 2: Redis connections --------------------------------------------------------------------


async def test_hello_storm_keeps_redis_clients_bounded_and_a_fresh_customer_streams(redis_db):
    url, redis_proc = localredis.start_private()
    private = redis.Redis.from_url(url)
    # A generous hello deadline: under a storm on a busy machine a hello may wait its turn.
    # No cap on pending hellos per address here: what is tested is what 120 hellos that get in cost.
    server = spawn_daphne(
        **{
            **ABUSE_ENV,
            "TEST_REDIS_URL": url,
            "SUPPORTREPLAY_HELLO_TIMEOUT_SECONDS": "60",
            "SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP": "0",
        }
    )
    sockets = []
    try:
        sessions = [await new_session(f"{server.url}/demo/") for _ in range(20)]
        honest = await Honest.start(server)
        await honest.batch()
        storm = [hello(server, s.credential, tab=f"t{i}") for s in sessions for i in range(6)]
        results = await asyncio.gather(*storm)
        sockets = [ws for ws, _ in results]
        answers = [answer.get("t") or answer.get("closed") for _, answer in results]
        assert answers.count("ready") == 3 * len(sessions), answers  # 3 sockets per session
        assert answers.count(4429) == 3 * len(sessions)
        await honest.batch()
        fresh = await Honest.start(server)
        for _ in range(3):
            await fresh.batch()
        # This test's own client + the ingest pool + the channel layer's pool and its blocking reader.
        clients = private.info("clients")["connected_clients"]
        assert clients <= 1 + 2 * POOL + 2, clients
    finally:
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.close()
        server.stop()
        private.close()
        redis_proc.terminate()
        redis_proc.wait(10)


async def test_sockets_of_one_address_still_waiting_for_hello_are_capped(abuse_server, redis_db):
    cap = int(ABUSE_ENV["SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP"])
    live = await new_session(f"{abuse_server.url}/demo/")
    silent = [await ws_connect(f"{abuse_server.ws_url}/ws/ingest/", abuse_server.url) for _ in range(cap)]
    try:
        extra = await ws_connect(f"{abuse_server.ws_url}/ws/ingest/", abuse_server.url)
        assert await close_code(extra, timeout=10) == 4429, "refused before its hello is read"
        # The silent ones are closed at the hello deadline (4401), which frees the address's places.
        assert [await close_code(ws, timeout=10) for ws in silent] == [4401] * cap
        ws, answer = await hello(abuse_server, live.credential)
        assert answer.get("t") == "ready"
        await ws.close()
    finally:
        for ws in silent:
            await ws.close()


# --- Finding 4: per-session quota and sockets ---------------------------------------------------------


async def test_session_quota_refuses_the_batch_that_would_cross_it_with_4420(abuse_server, redis_db):
    live = await new_session(f"{abuse_server.url}/demo/")
    honest = await Honest.start(abuse_server)
    # Random text: the store compresses batches, and the quota counts stored (compressed) bytes.
    filler = [console_event(secrets.token_urlsafe(30_000), ts=T0)]
    acked = []
    ws, _ = await hello(abuse_server, live.credential)
    codes = []
    for seq in range(20):
        await ws.send(pack({"t": "events", "seq": seq, "events": filler}))
        try:
            acked.append((await recv(ws, timeout=10))["seq"])
        except ConnectionClosed as closed:
            codes.append(closed.rcvd.code if closed.rcvd else 1006)
            break
    assert codes == [4420]
    await honest.batch()
    assert 0 < len(acked) < 20
    meta = store.read_meta(live.id)
    assert meta.bytes <= QUOTA
    assert [b.seq for b in store.read_events(live.id)] == acked
    # Another tab of the same session is refused at hello: it cannot even send a batch.
    _, answer = await hello(abuse_server, live.credential, tab="t2")
    assert answer == {"closed": 4420}


async def test_fourth_socket_of_one_session_gets_4429(abuse_server, redis_db):
    live = await new_session(f"{abuse_server.url}/demo/")
    opened = [await hello(abuse_server, live.credential, tab=f"t{i}") for i in range(4)]
    try:
        assert [answer.get("t") or answer.get("closed") for _, answer in opened] == ["ready"] * 3 + [4429]
        await opened[0][0].close()
        await asyncio.sleep(0)
        for _ in range(50):  # the closed socket is counted down once daphne saw the close
            ws, answer = await hello(abuse_server, live.credential, tab="t9")
            if answer.get("t") == "ready":
                break
            await asyncio.sleep(0.1)
        assert answer.get("t") == "ready"
        await ws.close()
    finally:
        for ws, _ in opened:
            await ws.close()


async def test_sockets_of_one_session_share_one_byte_rate(abuse_server, redis_db):
    live = await new_session(f"{abuse_server.url}/demo/")
    honest = await Honest.start(abuse_server)
    tabs = [(await hello(abuse_server, live.credential, tab=f"t{i}"))[0] for i in range(3)]
    # 100 KB frames that compress to almost nothing: the session's quota is not what stops them.
    frame = [console_event("a" * 100_000, ts=T0)]
    outcomes = []
    for seq in range(2):
        for ws in tabs:
            await ws.send(pack({"t": "events", "seq": seq, "events": frame}))
            try:
                outcomes.append((await recv(ws, timeout=10))["t"])
            except ConnectionClosed as closed:
                outcomes.append(closed.rcvd.code if closed.rcvd else 1006)
    # Each socket is far below its own 2 MiB/s, but together they are over the session's 400 KB burst.
    assert outcomes[:4] == ["ack"] * 4
    assert 4429 in outcomes[4:]
    await honest.batch()
    for ws in tabs:
        await ws.close()


# --- Finding 5: unfinished parts ----------------------------------------------------------------------


def part(seq: int, i: int, n: int, data: bytes) -> bytes:
    return pack({"t": "part", "seq": seq, "i": i, "n": n, "data": data})


async def test_unfinished_parts_expire_with_4408(abuse_server, redis_db):
    live = await new_session(f"{abuse_server.url}/demo/")
    ws, _ = await hello(abuse_server, live.credential)
    await ws.send(part(0, 0, 2, b"\x91" + b"x" * 1000))
    assert await close_code(ws, timeout=20) == 4408
    assert list(store.read_events(live.id)) == []


async def test_parts_held_by_all_sockets_are_capped_per_process(redis_db):
    # Parts never expire on this daphne, so only the process cap can refuse them.
    server = spawn_daphne(**{**ABUSE_ENV, "SUPPORTREPLAY_PARTS_MAX_AGE_SECONDS": "600"})
    hoarders, codes = [], []
    try:
        honest = await Honest.start(server)
        chunk = b"p" * 200_000
        for _ in range(4):  # 4 sockets x 200 KB against a 500 KB process cap
            live = await new_session(f"{server.url}/demo/")
            ws, _ = await hello(server, live.credential)
            hoarders.append(ws)
            await ws.send(part(0, 0, 4, chunk))
            await honest.batch()
        for ws in hoarders:
            try:
                await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                codes.append("open")
            except ConnectionClosed as closed:
                codes.append(closed.rcvd.code if closed.rcvd else 1006)
        assert codes == ["open", "open", 4429, 4429]
        await honest.batch()
    finally:
        for ws in hoarders:
            await ws.close()
        server.stop()


async def test_completing_a_part_batch_is_validated_like_a_frame(abuse_server, redis_db):
    live = await new_session(f"{abuse_server.url}/demo/")
    ws, _ = await hello(abuse_server, live.credential)
    blob = msgpack.packb(empty_maps(300_000)["events"])
    pieces = [blob[i : i + 200_000] for i in range(0, len(blob), 200_000)]
    for i, piece in enumerate(pieces):
        await ws.send(part(0, i, len(pieces), piece))
    assert await close_code(ws, timeout=30) == 4400
    assert list(store.read_events(live.id)) == []


# --- Finding 6: poison events -------------------------------------------------------------------------

POISON = [
    {"type": 3, "timestamp": T0, "data": {"source": 2, "type": 2, "id": 5, "x": "abc", "y": 1}},
    {"type": 3, "timestamp": T0, "data": {"source": 2, "type": 2, "id": [1], "x": 1, "y": 1}},
    {"type": 4, "timestamp": 2**64 - 1, "data": {"href": "http://x/", "width": 1, "height": 1}},
    {"type": 4, "timestamp": 1e300, "data": {"href": "http://x/", "width": 1, "height": 1}},
    {"type": 4, "timestamp": 1, "data": {"href": "http://x/", "width": 1, "height": 1}},
    {"type": 5, "timestamp": T0, "data": {"tag": "sr.route", "payload": ["to", "/x"]}},
    {"type": 6, "timestamp": T0, "data": {"plugin": "rrweb/console@1", "payload": {"trace": 5}}},
    {"type": 2, "timestamp": T0, "data": {"node": {"type": 2, "id": 1, "childNodes": 7}}},
]


@pytest.mark.parametrize("poison", POISON, ids=range(len(POISON)))
async def test_poison_event_is_refused_with_4400_and_the_session_still_archives(
    abuse_server, redis_db, poison, settings
):
    settings.MEDIA_ROOT = ABUSE_ENV["MEDIA_ROOT"]
    live = await new_session(f"{abuse_server.url}/demo/")
    ws, _ = await hello(abuse_server, live.credential)
    await ws.send(pack({"t": "events", "seq": 0, "events": [meta_event(), full_snapshot_event()]}))
    assert await recv(ws) == {"t": "ack", "seq": 0}
    await ws.send(pack({"t": "events", "seq": 1, "events": [poison]}))
    assert await close_code(ws, timeout=10) == 4400
    assert [b.seq for b in store.read_events(live.id)] == [0]
    await database_sync_to_async(end_session)(live.id, EndReason.STOP)
    outcome = await database_sync_to_async(archive_session)(live.id)
    assert outcome.status in ("archived", "already_archived"), outcome
    session = await database_sync_to_async(RecordingSession.objects.get)(pk=live.id)
    assert session.archive_status == "done"
    assert not redis_db.exists(keys.events(live.id))


# --- Frames faster than they are handled (the backlog inside daphne) -----------------------------------

BACKLOG_FRAMES = 4


async def test_frames_sent_faster_than_handled_are_refused_with_a_bounded_backlog(redis_db):
    # 40 frames of 150 KB (6 MB) stay within the socket's rate limits (200 frames, 8 MiB at once) and the
    # session's (16 MiB): only the backlog bound, frames received but not yet handled, can refuse them.
    env = {
        **SERVER_ENV,
        "SUPPORTREPLAY_SOCKET_BACKLOG_FRAMES": str(BACKLOG_FRAMES),
        "SUPPORTREPLAY_SOCKET_BACKLOG_BYTES": "1000000",
    }
    server = spawn_daphne(**env)
    try:
        honest = await Honest.start(server)
        live = await new_session(f"{server.url}/demo/")
        ws, ready = await hello(server, live.credential)
        assert ready["t"] == "ready"
        sent = 40
        # Packed beforehand and written back to back; each is validated off the event loop (over 64 KiB).
        frames = [
            pack({"t": "events", "seq": seq, "events": [console_event(f"{seq} " + "f" * 150_000, ts=T0)]})
            for seq in range(sent)
        ]
        with contextlib.suppress(ConnectionClosed):
            for frame in frames:
                await ws.send(frame)
        assert await close_code(ws, timeout=30) == 4429
        at_close = [b.seq for b in store.read_events(live.id)]
        assert at_close == list(range(len(at_close))), "handled in arrival order"
        assert len(at_close) < sent, "refused while frames were still waiting to be handled"
        await asyncio.sleep(1)
        # The backlog was dropped with the close: at most the frame being handled was stored after it.
        assert len(list(store.read_events(live.id))) <= len(at_close) + 1
        await honest.batch()
        await honest.ws.close()
    finally:
        server.stop()
