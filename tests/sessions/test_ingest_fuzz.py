"""Random and mutated frames: the decoder only ever answers a frame or a ProtocolError, and a real daphne
stores nothing malformed, never crashes, and keeps serving other connections."""

import json

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from sessions import store
from sessions.protocol import Limits, ProtocolError, batch_stats, decode_frame, validate_events
from sessions.redaction import redact_events
from tests.helpers.processes import spawn_daphne
from tests.sessions.factories import make_session
from tests.support.events import (
    T0,
    console_event,
    full_snapshot_event,
    meta_event,
    mouse_move_event,
    network_event,
)

LIMITS = Limits(max_frame_bytes=64 * 1024, max_events=100, max_depth=50, max_parts=4)
VALID_EVENTS = [
    meta_event(),
    full_snapshot_event(),
    mouse_move_event(),
    console_event("x 4111 1111 1111 1111", ts=T0 + 1),
    network_event(status=500, requestHeaders={"Authorization": "x"}, ts=T0 + 2),
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(),
    st.text(max_size=20),
    st.binary(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=8) | st.integers(-100, 100), inner, max_size=5)
    ),
    max_leaves=30,
)
valid_frames = st.builds(
    lambda seq, events: {"t": "events", "seq": seq, "events": events},
    st.integers(0, 50),
    st.lists(st.sampled_from(VALID_EVENTS), max_size=5),
)


@st.composite
def field_mutations(draw):
    """A valid frame (or event) with one field replaced by an arbitrary value."""
    frame = draw(valid_frames)
    if frame["events"] and draw(st.booleans()):
        event = dict(draw(st.sampled_from(frame["events"])))
        event[draw(st.sampled_from(["type", "timestamp", "data", "extra"]))] = draw(values)
        frame["events"] = [*frame["events"], event]
    else:
        frame[draw(st.sampled_from(["t", "seq", "events", "i", "n", "data", "cred", "reason"]))] = draw(
            values
        )
    return msgpack.packb(frame, use_bin_type=True)


@st.composite
def byte_mutations(draw):
    """The bytes of a valid frame, with bytes flipped, cut or inserted."""
    data = bytearray(msgpack.packb(draw(valid_frames), use_bin_type=True))
    for _ in range(draw(st.integers(1, 4))):
        op, at = draw(st.sampled_from(["flip", "cut", "insert"])), draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


any_frame = st.one_of(
    st.binary(max_size=300),
    values.map(lambda v: msgpack.packb(v, use_bin_type=True)),
    st.dictionaries(st.sampled_from(["t", "seq", "events", "i", "n", "data"]), values, max_size=6).map(
        lambda d: msgpack.packb({"t": "events", **d}, use_bin_type=True)
    ),
    field_mutations(),
    byte_mutations(),
    valid_frames.map(lambda f: msgpack.packb(f, use_bin_type=True)),
)


@settings(max_examples=2500, deadline=None)
@given(data=any_frame)
def test_decoder_answers_a_valid_frame_or_a_protocol_error_for_anything(data):
    try:
        frame = decode_frame(data, LIMITS)
    except ProtocolError as exc:
        code = exc.code
    else:
        code = None
    if code is not None:
        assert 4400 <= code <= 4429
    elif frame["t"] == "events":
        events = redact_events(frame["events"])
        validate_events(events, LIMITS)
        batch_stats(events)
        json.dumps(events, allow_nan=False)  # whatever passes survives JSON export


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    proc = spawn_daphne()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_daphne_survives_random_frames_and_stores_only_valid_batches(server, redis_db):
    live = make_session(f"{server.url}/demo/")
    acked: set[int] = set()

    def hello(ws) -> None:
        ws.send(msgpack.packb({"t": "hello", "cred": live.credential, "tab": "fuzz", "page": 0}))
        assert msgpack.unpackb(ws.recv(timeout=3))["t"] == "ready"

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(data=any_frame)
    def one_frame(data):
        with connect(f"{server.ws_url}/ws/ingest/", origin=server.url, open_timeout=5, max_size=None) as ws:
            hello(ws)
            ws.send(data)
            try:
                reply, code = msgpack.unpackb(ws.recv(timeout=3), raw=False), None
            except ConnectionClosed as closed:
                reply, code = None, closed.rcvd.code if closed.rcvd else 1006
            if reply is None:
                assert code in (4400, 4401, 4413, 1000)
            else:
                assert reply["t"] == "ack"
                acked.add(reply["seq"])

    one_frame()
    stored = list(store.read_events(live.id))
    assert {b.seq for b in stored} <= acked
    for batch in stored:
        validate_events(batch.events, Limits())
    # Still serving: a well-behaved recorder gets through after all that.
    with connect(f"{server.ws_url}/ws/ingest/", origin=server.url, open_timeout=5) as ws:
        hello(ws)
        ws.send(msgpack.packb({"t": "events", "seq": 10_000, "events": [mouse_move_event()]}))
        assert msgpack.unpackb(ws.recv(timeout=3)) == {"t": "ack", "seq": 10_000}
    assert "Traceback" not in server.log()
