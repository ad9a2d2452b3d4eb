"""Unfinished parts batches, pure: reassembly, and the bounds per socket (size, age) and per process."""

import msgpack
import pytest

from sessions.parts import PartAssembler, PartBudget
from sessions.protocol import CloseCode, Limits, ProtocolError, decode_batch, decode_frame
from tests.support.events import T0, full_snapshot_event, meta_event

LIMITS = Limits(max_frame_bytes=64 * 1024, max_events=50, max_depth=40, max_parts=4)


def pack(obj) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


def part(seq: int, i: int, n: int, data: bytes) -> dict:
    return {"t": "part", "seq": seq, "i": i, "n": n, "data": data}


def test_parts_reassemble_into_one_batch():
    events = [meta_event(), full_snapshot_event(text="x" * 5000)]
    blob = pack(events)
    chunks = [blob[i : i + 2000] for i in range(0, len(blob), 2000)]
    limits = Limits(max_parts=8)
    assembler = PartAssembler(limits)
    results = [
        assembler.add(decode_frame(pack(part(3, i, len(chunks), c)), limits)) for i, c in enumerate(chunks)
    ]
    assert results[:-1] == [None] * (len(chunks) - 1)
    seq, whole = results[-1]
    assert decode_batch(seq, whole, limits) == {"t": "events", "seq": 3, "events": events}
    assert not assembler.pending


def test_interleaved_parts_of_two_batches_are_refused():
    assembler = PartAssembler(LIMITS)
    assembler.add(part(1, 0, 2, b"ab"))
    with pytest.raises(ProtocolError) as caught:
        assembler.add(part(2, 0, 2, b"cd"))
    assert caught.value.code == CloseCode.MALFORMED


def test_parts_holding_garbage_are_refused_once_complete():
    assembler = PartAssembler(LIMITS)
    assembler.add(part(1, 0, 2, pack([{"type": 2, "timestamp": T0}])[:3]))
    seq, whole = assembler.add(part(1, 1, 2, b"\xc1"))
    with pytest.raises(ProtocolError):
        decode_batch(seq, whole, LIMITS)


def test_a_batch_over_the_parts_byte_cap_gets_4413():
    assembler = PartAssembler(Limits(max_parts=8, max_parts_bytes=1000))
    assembler.add(part(0, 0, 3, b"x" * 600))
    with pytest.raises(ProtocolError) as caught:
        assembler.add(part(0, 1, 3, b"x" * 600))
    assert caught.value.code == CloseCode.FRAME_TOO_LARGE


def test_parts_of_all_sockets_share_one_process_budget_and_give_it_back():
    budget = PartBudget(limit=1000)
    first, second = PartAssembler(LIMITS, budget), PartAssembler(LIMITS, budget)
    first.add(part(0, 0, 2, b"x" * 700))
    with pytest.raises(ProtocolError) as caught:
        second.add(part(0, 0, 2, b"y" * 400))
    assert caught.value.code == CloseCode.RATE_LIMITED
    assert first.add(part(0, 1, 2, b"x" * 100)) is not None  # completed: its bytes are released
    assert budget.held == 0
    second.discard()
    second.add(part(5, 0, 2, b"y" * 900))
    assert budget.held == 900
    second.discard()  # a socket that goes away gives its parts back
    assert budget.held == 0


def test_a_resent_part_replaces_the_earlier_copy_in_the_budget():
    budget = PartBudget(limit=1000)
    assembler = PartAssembler(LIMITS, budget)
    for _ in range(5):
        assembler.add(part(0, 0, 2, b"x" * 600))
    assert budget.held == 600


def test_unfinished_parts_expire_after_their_age():
    assembler = PartAssembler(LIMITS)
    assert not assembler.expired(now=100.0, max_age=10)
    assembler.add(part(0, 0, 2, b"x"), now=100.0)
    assert not assembler.expired(now=110.0, max_age=10)
    assert assembler.expired(now=110.5, max_age=10)
