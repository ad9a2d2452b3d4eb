"""The archive reads the stream in pages bounded by bytes, not entries (issue 12, finding 4): a page of
large entries holds as few as fit in the budget, one entry larger than the budget comes alone, and every
entry is read once, in order."""

import base64
import random

import pytest

from sessions import store
from sessions.archive import stream
from sessions.protocol import batch_stats
from tests.support.events import T0, full_snapshot_event, mouse_move_event

pytestmark = pytest.mark.django_db


def noise(size: int) -> str:
    """Text that does not compress (stored entries are compressed)."""
    return base64.b64encode(random.Random(size).randbytes(size * 3 // 4)).decode()


def append(session_id, seq: int, events: list[dict]) -> int:
    assert store.append_batch_sync(session_id, "t", seq, events, batch_stats(events)).stored
    return len(store.encode_events(events))


def test_pages_are_cut_by_bytes_whatever_their_entry_count(redis_db):
    sid = "00000000-0000-4000-8000-000000000001"
    store.open_meta_sync(sid)
    sizes = []
    for seq in range(40):
        if seq % 4 == 0:
            events = [full_snapshot_event(T0 + seq, text=noise(300_000 + seq))]  # ~230 KB stored
        else:
            events = [mouse_move_event(T0 + seq)]
        sizes.append(append(sid, seq, events))
    huge = append(sid, 40, [full_snapshot_event(T0 + 40, text=noise(1_500_000))])  # larger than the budget

    budget = 1024 * 1024
    pages = list(stream.pages(sid, max_entries=500, max_bytes=budget))

    seqs = [b.seq for page in pages for b in page]
    assert seqs == list(range(41))
    for page in pages[:-1]:
        assert sum(sizes[b.seq] for b in page) <= budget
    assert [b.seq for b in pages[-1]] == [40]
    assert huge > budget
    assert len(pages) >= 4  # ten ~230 KB entries (compressed): at most four per 1 MiB page


def test_the_entry_count_still_bounds_a_page_of_small_entries(redis_db):
    sid = "00000000-0000-4000-8000-000000000002"
    store.open_meta_sync(sid)
    for seq in range(25):
        append(sid, seq, [mouse_move_event(T0 + seq)])
    pages = list(stream.pages(sid, max_entries=10, max_bytes=1024 * 1024))
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [b.seq for b in stream.iter_batches(sid, page_size=7)] == list(range(25))
