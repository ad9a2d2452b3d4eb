"""The archive's pure parts: container codec, chunking at full snapshots, seq verification."""

import itertools

import pytest

from sessions.archive import chunking, container, format, verify
from sessions.archive.chunking import Batch
from tests.support.events import (
    T0,
    as_batches,
    checkout_session,
    click_event,
    full_snapshot_event,
    meta_event,
    mouse_move_event,
)


def test_archive_round_trip_returns_the_same_batches_in_order():
    batches = as_batches(checkout_session(minutes=5))
    blob, entries = container.build(chunking.split(batches))
    assert container.read_index(blob) == entries
    assert chunking.merge_records(container.decode_all(blob)) == batches


def test_every_chunk_starts_with_meta_then_full_snapshot_and_is_at_least_a_minute():
    batches = as_batches(checkout_session(minutes=6, checkout_ms=30_000))
    chunks = chunking.split(batches)
    assert len(chunks) == 7  # snapshots every 30 s over 6 min; a chunk only once a minute has passed
    for chunk in chunks:
        events = chunking.replay_events(chunk.records, chunk.tab, chunk.lead_meta)
        kinds = [e["type"] for e in events if e["type"] in (2, 4)][:2]
        assert kinds == [4, 2]
    starts = [c.start_ts for c in chunks]
    assert all(b - a >= 60_000 for a, b in itertools.pairwise(starts))
    assert sum(c.events for c in chunks) == sum(len(b.events) for b in batches)


def test_a_batch_cut_by_a_chunk_boundary_is_joined_again_on_read():
    batches = [
        Batch("t", 0, T0, [meta_event(T0), full_snapshot_event(T0)]),
        Batch(
            "t",
            1,
            T0 + 70_000,
            [mouse_move_event(T0 + 70_000), meta_event(T0 + 70_001), full_snapshot_event(T0 + 70_001)],
        ),
    ]
    chunks = chunking.split(batches)
    assert [c.events for c in chunks] == [3, 2]
    assert chunking.merge_records(c.records for c in chunks) == batches


def test_a_bare_full_snapshot_gets_the_tabs_last_meta_in_the_replay_chunk():
    batches = [
        Batch("t", 0, T0, [meta_event(T0, href="https://a.example/"), full_snapshot_event(T0)]),
        Batch("t", 1, T0 + 90_000, [full_snapshot_event(T0 + 90_000)]),
    ]
    second = chunking.split(batches)[1]
    events = chunking.replay_events(second.records, second.tab, second.lead_meta)
    assert [e["type"] for e in events] == [4, 2]
    assert events[0]["data"]["href"] == "https://a.example/"
    assert events[0]["timestamp"] == T0 + 90_000


def test_a_snapshot_from_another_tab_starts_a_chunk_and_its_dom_events_stay_out_of_the_first():
    batches = [
        Batch("a", 0, T0, [meta_event(T0), full_snapshot_event(T0), click_event(T0 + 5)]),
        Batch(
            "b", 0, T0 + 10, [meta_event(T0 + 10, href="https://b.example/"), full_snapshot_event(T0 + 10)]
        ),
        Batch("a", 1, T0 + 20, [mouse_move_event(T0 + 20)]),
    ]
    chunks = chunking.split(batches)
    assert [c.tab for c in chunks] == ["a", "b"]
    replay_b = chunking.replay_events(chunks[1].records, "b", chunks[1].lead_meta)
    assert [e["type"] for e in replay_b] == [4, 2]  # tab a's mouse move is not applied to tab b's page


def test_seq_gaps_are_reported_per_tab():
    batches = [Batch("a", s, T0, []) for s in (0, 1, 4, 5)] + [Batch("b", s, T0, []) for s in (2, 3)]
    ranges = verify.tab_ranges(batches)
    assert ranges["a"].gaps == ((2, 3),)
    assert ranges["b"].gaps == ((0, 1),)
    assert verify.gaps_by_tab(ranges) == {"a": [[2, 3]], "b": [[0, 1]]}


def test_a_chunk_holding_other_records_fails_its_check():
    records = [(b.tab, b.seq, b.ts, b.events) for b in as_batches(checkout_session(minutes=1))]
    _frame, raw = format.encode_records(records)
    written = verify.chunk_check(records, raw)
    verify.check_chunk(0, written, raw)

    tab, seq, ts, events = records[-1]
    changed = [*records[:-1], (tab, seq + 1, ts, events)]
    _frame, other = format.encode_records(changed)
    assert len(other) == len(raw)  # same size, one seq differs: only the records' skeleton tells
    with pytest.raises(verify.ArchiveMismatch, match="other records"):
        verify.check_chunk(0, written, other)
    with pytest.raises(verify.ArchiveMismatch, match="bytes"):
        verify.check_chunk(0, written, raw[:-1])
    with pytest.raises(verify.ArchiveMismatch):
        verify.check_chunk(0, verify.ChunkCheck(len(raw) + 1, written.skeleton_sha256), raw + b"\x00")


def test_a_chunk_frame_altered_inside_fails_zstds_content_checksum():
    records = [(b.tab, b.seq, b.ts, b.events) for b in as_batches(checkout_session(minutes=1))]
    frame, raw = format.encode_records(records)
    decompress = container.PrefixDecompressors(b"").decompress
    entry = format.ChunkEntry(0, 0, 0, 0, len(frame), 0, len(raw), "", "t", dict_size=0)
    assert decompress(frame, entry) == raw
    altered = bytearray(frame)
    altered[-1] ^= 0x01  # the frame's XXH64 of its content
    with pytest.raises(format.ArchiveFormatError):
        decompress(bytes(altered), entry)


def test_a_corrupted_chunk_fails_its_checksum():
    blob, entries = container.build(chunking.split(as_batches(checkout_session(minutes=2))))
    corrupt = bytearray(blob)
    corrupt[entries[0].offset + 10] ^= 0xFF
    with pytest.raises(format.ArchiveFormatError):
        container.decode_all(bytes(corrupt))


def test_an_empty_session_builds_an_archive_without_chunks():
    blob, entries = container.build([])
    assert entries == []
    assert container.read_index(blob) == []


def test_mouse_moves_of_any_shape_come_back_equal_with_their_key_order():
    packed = mouse_move_event(T0, 5, 7)
    fractional = mouse_move_event(T0 + 1, 5, 7)
    fractional["data"]["positions"][0]["x"] = 5.5
    extra = mouse_move_event(T0 + 2, 5, 7)
    extra["data"]["positions"][0]["pointerType"] = "pen"
    reordered = {"timestamp": T0 + 3, "type": 3, "data": {"source": 1, "positions": []}}
    records = [("t", 0, T0, [packed, fractional, 1, extra, reordered, mouse_move_event(T0 + 4, -3, 2**40)])]
    frame, _ = format.encode_records(records)
    decoded = format.decode_records(frame)
    assert decoded == records
    assert [list(e) for e in decoded[0][3] if isinstance(e, dict)] == [
        list(e) for e in records[0][3] if isinstance(e, dict)
    ]


def page_with_items(ts: int, items: int = 600) -> dict:
    """A checkout of a page with many small nodes (a product list): no string is large, the DOM is."""
    import random

    rng = random.Random(1)
    event = full_snapshot_event(ts)
    body = event["data"]["node"]["childNodes"][1]["childNodes"][1]
    words = ["cart", "order", "total", "ship", "refund", "card"]
    body["childNodes"] += [
        {
            "type": 2,
            "tagName": "li",
            "attributes": {"class": f"item-{n % 7}", "data-sku": str(rng.randrange(10**8))},
            "id": 100 + 2 * n,
            "childNodes": [
                {"type": 3, "textContent": f"{rng.choice(words)} {rng.randrange(10**5)}", "id": 101 + 2 * n}
            ],
        }
        for n in range(items)
    ]
    return event


def test_checkouts_of_a_page_cost_little_thanks_to_the_snapshot_dictionary():
    batches = [
        Batch("t", n, T0 + n * 61_000, [meta_event(T0 + n * 61_000), page_with_items(T0 + n * 61_000)])
        for n in range(4)
    ]
    _blob, entries = container.build(chunking.split(batches))
    alone, _ = format.encode_records([("t", 0, T0, batches[0].events)])
    assert len(entries) == 4
    assert entries[0].dict_length > len(alone) / 2
    assert all(e.length < len(alone) / 10 for e in entries)


def styled_snapshot(ts: int, css: str, image: str, text: str = "Cart") -> dict:
    event = full_snapshot_event(ts, text=text)
    head = event["data"]["node"]["childNodes"][1]["childNodes"][0]
    head["childNodes"] = [
        {"type": 2, "tagName": "link", "attributes": {"rel": "stylesheet", "_cssText": css}, "id": 90},
        {"type": 2, "tagName": "img", "attributes": {"src": image}, "id": 91, "childNodes": []},
    ]
    return event


def test_large_strings_are_stored_once_per_session_and_come_back_in_every_chunk():
    import base64
    import random

    rng = random.Random(2)
    css = "".join(f".c{n}{{color:#{rng.randrange(16**6):06x};margin:{n}px}}" for n in range(6000))
    image = "data:image/png;base64," + base64.b64encode(rng.randbytes(30_000)).decode()
    batches = [
        Batch(
            "t",
            n,
            T0 + n * 61_000,
            [meta_event(T0 + n * 61_000), styled_snapshot(T0 + n * 61_000, css, image)],
        )
        for n in range(5)
    ]
    blob, entries = container.build(chunking.split(batches))

    assert len(entries) == 5
    assert len(blob) < (len(css) + 30_000) / 2  # five snapshots of ~250 KB of text stored once, compressed
    assert all(e.length < 2_000 for e in entries)
    assert chunking.merge_records(container.decode_all(blob, entries)) == batches
    for entry in entries:  # each chunk alone, with the head: what a seek reads
        records = container.ChunkDecoder(container.head_bytes(blob, entry), entry).decode(
            container.chunk_bytes(blob, entry), entry
        )
        link = records[0][3][1]["data"]["node"]["childNodes"][1]["childNodes"][0]["childNodes"][0]
        assert link["attributes"]["_cssText"] == css
