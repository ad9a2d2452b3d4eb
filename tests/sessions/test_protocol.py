"""The ingest wire protocol, pure: bytes in, a typed frame or a ProtocolError with its close code out."""

import msgpack
import pytest

from sessions.protocol import (
    CloseCode,
    Limits,
    ProtocolError,
    batch_stats,
    decode_frame,
    decode_hello,
)
from tests.support.events import (
    T0,
    console_event,
    full_snapshot_event,
    meta_event,
    mouse_move_event,
    network_event,
)

LIMITS = Limits(max_frame_bytes=64 * 1024, max_events=50, max_depth=40, max_parts=4)


def pack(obj) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


def refused(data, limits=LIMITS) -> CloseCode:
    with pytest.raises(ProtocolError) as caught:
        decode_frame(data, limits)
    return caught.value.code


def test_hello_decodes_to_a_typed_frame():
    frame = decode_frame(pack({"t": "hello", "cred": "c" * 40, "tab": "tab-1", "page": 3}), LIMITS)
    assert frame == {"t": "hello", "cred": "c" * 40, "tab": "tab-1", "page": 3, "dev": ""}


def test_events_frame_keeps_the_events():
    events = [meta_event(), full_snapshot_event(), mouse_move_event()]
    frame = decode_frame(pack({"t": "events", "seq": 7, "events": events}), LIMITS)
    assert frame["seq"] == 7
    assert frame["events"] == events


@pytest.mark.parametrize(
    "data",
    [
        b"\xc1",  # never-used msgpack byte
        b"",
        pack([1, 2]),
        pack({"t": "nope"}),
        pack({"t": "events", "seq": -1, "events": []}),
        pack({"t": "events", "seq": True, "events": []}),
        pack({"t": "events", "seq": 1.5, "events": []}),
        pack({"t": "events", "seq": 1, "events": {}}),
        pack({"t": "events", "seq": 1, "events": [{"type": 9, "timestamp": T0 + 1, "data": {}}]}),
        pack({"t": "events", "seq": 1, "events": [{"type": "2", "timestamp": T0 + 1, "data": {}}]}),
        pack({"t": "events", "seq": 1, "events": [{"type": 2, "timestamp": "1", "data": {}}]}),
        pack({"t": "events", "seq": 1, "events": [{"type": 2, "timestamp": float("nan"), "data": {}}]}),
        pack({"t": "events", "seq": 1, "events": [{"type": 2, "timestamp": T0 + 1, "data": []}]}),
        pack({"t": "events", "seq": 1, "events": [{"type": 2, "timestamp": T0 + 1}]}),
        pack({"t": "events", "seq": 1, "events": [{"type": 3, "timestamp": T0 + 1, "data": {"b": b"\x00"}}]}),
        pack(
            {
                "t": "events",
                "seq": 1,
                "events": [{"type": 3, "timestamp": T0 + 1, "data": {"x": float("inf")}}],
            }
        ),
        pack({"t": "events", "seq": 1, "events": [mouse_move_event()] * 51}),
        pack({"t": "events", "seq": 1, "events": []}) + b"\x00",  # trailing bytes
        pack({"t": "bye", "reason": "later"}),
        pack({"t": "hello", "cred": "x" * 40, "tab": "bad tab!", "page": 0}),
        pack({"t": "part", "seq": 1, "i": 4, "n": 4, "data": b"x"}),
        pack({"t": "part", "seq": 1, "i": 0, "n": 5, "data": b"x"}),
        pack({"t": "part", "seq": 1, "i": 0, "n": 2, "data": "text"}),
        "a text frame",
        None,
    ],
)
def test_malformed_frames_are_refused_with_4400(data):
    assert refused(data) == CloseCode.MALFORMED


def test_non_string_map_keys_inside_events_are_refused():
    event = {"type": 3, "timestamp": T0 + 1, "data": {"source": 1, "weird": {1: "x"}}}
    data = msgpack.packb({"t": "events", "seq": 1, "events": [event]}, strict_types=False)
    # msgpack.unpackb(strict_map_key=True) refuses int keys already; either way the frame is refused.
    assert refused(data) == CloseCode.MALFORMED


def test_nesting_deeper_than_the_limit_is_refused():
    deep: dict = {"leaf": 1}
    for _ in range(60):
        deep = {"child": deep}
    event = {"type": 3, "timestamp": T0 + 1, "data": deep}
    assert refused(pack({"t": "events", "seq": 1, "events": [event]})) == CloseCode.MALFORMED


def test_real_snapshot_nesting_within_the_default_limit_is_accepted():
    node: dict = {"type": 3, "textContent": "deep", "id": 1}
    for depth in range(200):  # 200 nested elements = 400 levels (map + childNodes list each)
        node = {"type": 2, "tagName": "div", "attributes": {}, "childNodes": [node], "id": depth + 2}
    event = {"type": 2, "timestamp": T0 + 1, "data": {"node": node}}
    frame = decode_frame(pack({"t": "events", "seq": 0, "events": [event]}), Limits())
    assert frame["events"][0]["data"]["node"]["tagName"] == "div"


def test_frame_over_the_size_limit_is_refused_with_4413():
    assert refused(b"\x00" * (LIMITS.max_frame_bytes + 1)) == CloseCode.FRAME_TOO_LARGE


def test_batch_stats_count_errors_failures_and_find_page_and_snapshot():
    events = [
        meta_event(href="https://shop.example/cart", width=800, height=600),
        full_snapshot_event(),
        console_event("boom", level="error", ts=T0 + 1),
        console_event("fine", ts=T0 + 2),
        network_event(status=500, ts=T0 + 3),
        network_event(status=200, ts=T0 + 4),
        {"type": 5, "data": {"tag": "sr.error", "payload": {"message": "x"}}, "timestamp": T0 + 5},
        {
            "type": 5,
            "data": {"tag": "sr.route", "payload": {"from": "/cart", "to": "/pay"}},
            "timestamp": T0 + 6,
        },
    ]
    stats = batch_stats(events)
    assert (stats.events, stats.errors, stats.failed_requests, stats.full) == (8, 2, 1, True)
    assert stats.page_url == "/pay"
    assert stats.viewport == "800x600"


def test_batch_without_snapshot_is_not_full():
    assert not batch_stats([mouse_move_event()]).full


def test_before_hello_only_a_small_hello_is_decoded():
    hello = {"t": "hello", "cred": "c" * 40, "tab": "t", "page": 0}
    assert decode_hello(pack(hello), LIMITS)["tab"] == "t"
    cases = [
        pack({**hello, "pad": "x" * LIMITS.max_hello_bytes}),  # too big to be read at all
        pack({"t": "events", "seq": 0, "events": []}),
        b"\xc1" * (LIMITS.max_hello_bytes + 1),  # not even msgpack: refused by size, unread
    ]
    for data in cases:
        with pytest.raises(ProtocolError) as caught:
            decode_hello(data, LIMITS)
        assert caught.value.code == CloseCode.BAD_CREDENTIAL
    with pytest.raises(ProtocolError) as caught:
        decode_hello("text", LIMITS)
    assert caught.value.code == CloseCode.MALFORMED


def test_a_frame_with_more_values_than_half_its_bytes_is_refused():
    dense = {"type": 3, "timestamp": T0, "data": {"source": 0, "a": [{}] * 20_000}}
    assert refused(pack({"t": "events", "seq": 0, "events": [dense]})) == CloseCode.MALFORMED
    sparse = {"type": 3, "timestamp": T0, "data": {"source": 0, "a": [{"k": "v" * 8}] * 2_000}}
    assert decode_frame(pack({"t": "events", "seq": 0, "events": [sparse]}), LIMITS)["seq"] == 0


def test_real_batches_are_far_below_the_value_density_limit():
    events = [meta_event(), full_snapshot_event(text="x"), mouse_move_event(), console_event("a", ts=T0)]
    events += [network_event(ts=T0 + 1)] * 20
    assert decode_frame(pack({"t": "events", "seq": 0, "events": events}), LIMITS)["events"] == events
