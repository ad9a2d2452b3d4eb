"""The archive writer's fast path: DOM events kept as the stream's msgpack bytes, large strings found in
those bytes for the dictionary, and objects written from raw events identical to ones written from
decoded events. Plus: format 3 objects written with an assets frame (before the dictionary held large
strings) still read."""

import base64
import io
import random
from pathlib import Path

import msgpack
import pytest

from sessions import store
from sessions.archive import chunking, container, dictionary, rawevents
from sessions.archive.chunking import Batch
from sessions.summary import summarize
from tests.sessions.test_archive_format import styled_snapshot
from tests.support.events import (
    T0,
    as_batches,
    checkout_session,
    click_event,
    full_snapshot_event,
    meta_event,
    mouse_move_event,
    text_change,
)

FIXTURES = Path(__file__).parent / "fixtures"


def as_stored(batches: list[Batch]) -> list[Batch]:
    """The batches as the archive reads them from the stream: split from their stored msgpack."""
    return [
        Batch(b.tab, b.seq, b.ts, rawevents.split_events(store.plain_ev(store.encode_events(b.events))))
        for b in batches
    ]


def large_css(seed: int, rules: int = 4000) -> str:
    rng = random.Random(seed)
    return "".join(f".c{n}{{color:#{rng.randrange(16**6):06x};margin:{n}px}}" for n in range(rules))


def test_snapshots_and_mutations_are_kept_as_their_exact_bytes_and_the_rest_decoded():
    mutation = text_change(7, "Updated", ts=T0 + 3)
    events = [
        meta_event(T0),
        full_snapshot_event(T0 + 1),
        click_event(T0 + 2),
        mutation,
        mouse_move_event(T0 + 4),
    ]
    plain = msgpack.packb(events, use_bin_type=True)

    split = rawevents.split_events(plain)

    assert [type(e) is rawevents.RawEvent for e in split] == [False, True, False, True, False]
    assert [e.decode() if type(e) is rawevents.RawEvent else e for e in split] == events
    snapshot, raw_mutation = split[1], split[3]
    assert snapshot.raw == msgpack.packb(events[1], use_bin_type=True)
    assert dict(snapshot) == {"type": 2, "timestamp": T0 + 1}  # what the summary and chunking read
    assert raw_mutation["data"] == {"source": 0}
    assert raw_mutation["timestamp"] == T0 + 3
    with pytest.raises(TypeError):
        msgpack.packb(snapshot)  # never written without its data by mistake


def test_events_in_another_layout_are_decoded_as_usual():
    reordered = {"timestamp": T0, "data": full_snapshot_event(T0)["data"], "type": 2}
    style_rule = {"type": 3, "data": {"source": 8, "id": 4, "adds": [{"rule": "a{}"}]}, "timestamp": T0}
    plain = msgpack.packb([reordered, style_rule, full_snapshot_event(T0 + 1)], use_bin_type=True)
    split = rawevents.split_events(plain)
    assert split[:2] == [reordered, style_rule]
    assert type(split[2]) is rawevents.RawEvent
    assert rawevents.split_events(msgpack.packb([click_event(T0)])) == [click_event(T0)]


def test_the_summary_and_chunks_are_the_same_from_raw_events():
    batches = as_batches(checkout_session(minutes=4))
    stored = as_stored(batches)
    assert any(type(e) is rawevents.RawEvent for b in stored for e in b.events)
    assert summarize(stored) == summarize(batches)
    chunks, raw_chunks = chunking.split(batches), chunking.split(stored)
    assert [(c.start_ts, c.end_ts, c.events, c.tab, c.lead_meta) for c in raw_chunks] == [
        (c.start_ts, c.end_ts, c.events, c.tab, c.lead_meta) for c in chunks
    ]


def test_an_object_written_from_raw_events_is_the_object_written_from_decoded_events():
    css, image = (
        large_css(1),
        "data:image/png;base64," + base64.b64encode(random.Random(4).randbytes(9000)).decode(),
    )
    batches = []
    for n in range(4):
        t = T0 + n * 61_000
        batches.append(Batch("t", 2 * n, t, [meta_event(t), styled_snapshot(t, css, image, text=f"n{n}")]))
        batches.append(
            Batch(
                "t",
                2 * n + 1,
                t + 9,
                [mouse_move_event(t + 9), text_change(7, "Updated", ts=t + 10), click_event(t + 11)],
            )
        )

    decoded, entries = container.build(chunking.split(batches))
    raw, raw_entries = container.build(chunking.split(as_stored(batches)))

    assert raw == decoded
    assert raw_entries == entries
    assert chunking.merge_records(container.decode_all(raw)) == batches


def test_large_strings_are_found_in_msgpack_bytes_and_held_once_whatever_surrounds_them():
    css = large_css(2)
    other = large_css(3, rules=100)
    assert len(other.encode()) >= dictionary.MIN_STRING_BYTES
    # Stray header bytes: a non-ASCII text whose UTF-8 holds 0xDA / 0xDB, and a float whose bytes do.
    noise = {"text": "\u06a0\u06e0" * 50, "f": 2.0**-600, "n": 0xDA08_0000}
    event = {"type": 2, "data": {"node": {"a": css, "noise": noise, "b": other, "c": css}}, "timestamp": T0}
    raw = msgpack.packb(event, use_bin_type=True)

    spans = dictionary.large_strings(raw)
    assert [raw[s:e].decode() for s, e in spans] == [css, other, css]

    held = dictionary.SnapshotDictionary()
    chunk = chunking.split([Batch("t", 0, T0, [meta_event(T0), event])])[0]
    held.grow(chunk)
    held.grow(chunk)
    data = bytes(held.data)
    assert held.strings == 2
    assert data.count(css.encode()) == 1
    assert data.count(other.encode()) == 1
    assert len(data) < len(raw)  # the page's snapshot is held without the strings


def test_the_dictionary_stops_at_its_limit_and_chunks_still_decode():
    batches = [
        Batch(
            "t",
            n,
            T0 + n * 61_000,
            [meta_event(T0 + n * 61_000), styled_snapshot(T0 + n * 61_000, large_css(n), "x")],
        )
        for n in range(4)
    ]
    out = io.BytesIO()
    writer = container.ObjectWriter(out, dict_limit=300_000)
    for chunk in chunking.split(as_stored(batches)):
        writer.add(chunk)
    entries = writer.close()
    assert len(writer.dictionary) <= 300_000
    assert writer.dictionary.strings < 4
    assert chunking.merge_records(container.decode_all(out.getvalue(), entries)) == batches


def test_format_3_objects_with_an_assets_frame_still_read():
    """Written by the archive as it was before large strings moved into the dictionary (issue 14)."""
    blob = (FIXTURES / "format3-assets.sra").read_bytes()
    sent = msgpack.unpackb((FIXTURES / "format3-assets.batches.msgpack").read_bytes(), raw=False)
    batches = [Batch(tab, seq, ts, events) for tab, seq, ts, events in sent]

    entries = container.read_index(blob)
    assert blob[:8] == b"SRARCHV3"
    assert entries[0].assets_length > 0
    assert chunking.merge_records(container.decode_all(blob, entries)) == batches
    last = entries[-1]
    alone = container.ChunkDecoder(container.head_bytes(blob, last), last).decode(
        container.chunk_bytes(blob, last), last
    )
    link = alone[0][3][1]["data"]["node"]["childNodes"][1]["childNodes"][0]["childNodes"][0]
    assert len(link["attributes"]["_cssText"]) > dictionary.MIN_STRING_BYTES
