"""Split a session's batches into chunks that each start at a meta + full snapshot. Pure.

A chunk is where a player can start playing on its own, so seeking into a long session loads one chunk.
Boundaries sit only where the recorder took a full snapshot (session start, page load, periodic checkout,
a watcher's snapshot request); a new chunk starts there once the current one spans `min_chunk_ms`, or at
once when the snapshot belongs to another tab (the replay then follows the tab the customer moved to).

The same function serves the archive writer and the data API's view of a not-yet-archived session, so both
number chunks identically for the same batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..events import EventType
from .format import ChunkInput, Record

MIN_CHUNK_MS = 60_000
# Cap for a session without checkouts: a boundary is still only ever placed at a snapshot.
MAX_CHUNK_EVENTS = 50_000
DOM_TYPES = frozenset(
    {
        EventType.DOM_CONTENT_LOADED,
        EventType.LOAD,
        EventType.FULL_SNAPSHOT,
        EventType.INCREMENTAL_SNAPSHOT,
        EventType.META,
    }
)


@dataclass(frozen=True)
class Batch:
    """One stored batch of one tab, as read from the stream (or rebuilt from an archive)."""

    tab: str
    seq: int
    ts: int
    events: list = field(hash=False, compare=True)
    stream_id: str = field(default="", compare=False)


@dataclass
class _Open:
    start: int  # position in the flat event list
    tab: str
    lead_meta: dict | None


def event_ts(event: Any, fallback: int) -> int:
    ts = event.get("timestamp") if isinstance(event, dict) else None
    return int(ts) if isinstance(ts, int | float) else fallback


def _etype(event: Any) -> Any:
    return event.get("type") if isinstance(event, dict) else None


def split(
    batches: Sequence[Batch], min_chunk_ms: int = MIN_CHUNK_MS, max_events: int = MAX_CHUNK_EVENTS
) -> list[ChunkInput]:
    """Chunks in stream order; every event of every batch lands in exactly one chunk."""
    flat: list[tuple[int, int]] = [
        (b, i) for b, batch in enumerate(batches) for i in range(len(batch.events))
    ]
    if not flat:
        return []

    def ev(pos: int) -> Any:
        b, i = flat[pos]
        return batches[b].events[i]

    def ts(pos: int) -> int:
        b, _ = flat[pos]
        return event_ts(ev(pos), batches[b].ts)

    last_meta: dict[str, dict] = {}
    cuts: list[_Open] = []
    current: _Open | None = None
    for pos in range(len(flat)):
        event = ev(pos)
        tab = batches[flat[pos][0]].tab
        etype = _etype(event)
        if etype == EventType.META:
            last_meta[tab] = event
        if etype != EventType.FULL_SNAPSHOT:
            continue
        # Start the chunk at the meta right before the snapshot (same tab) when there is one.
        start = pos
        prev = ev(pos - 1) if pos else None
        if pos and _etype(prev) == EventType.META and batches[flat[pos - 1][0]].tab == tab:
            start = pos - 1
        lead = None if start < pos else last_meta.get(tab)
        if current is None:
            current = _Open(0, tab, lead if start == 0 else None)
            cuts.append(current)
            continue
        long_enough = ts(pos) - ts(current.start) >= min_chunk_ms or pos - current.start >= max_events
        if tab != current.tab or long_enough:
            current = _Open(start, tab, lead)
            cuts.append(current)
    if not cuts:
        cuts.append(_Open(0, batches[flat[0][0]].tab, None))

    chunks: list[ChunkInput] = []
    for n, cut in enumerate(cuts):
        end = cuts[n + 1].start if n + 1 < len(cuts) else len(flat)
        records: list[Record] = []
        for pos in range(cut.start, end):
            b, i = flat[pos]
            batch = batches[b]
            if records and records[-1][0] == batch.tab and records[-1][1] == batch.seq and pos != cut.start:
                records[-1][3].append(batch.events[i])
            else:
                records.append((batch.tab, batch.seq, batch.ts, [batch.events[i]]))
        stamps = [ts(pos) for pos in range(cut.start, end)]
        chunks.append(
            ChunkInput(
                records=records,
                start_ts=min(stamps),
                end_ts=max(stamps),
                events=end - cut.start,
                tab=cut.tab,
                lead_meta=cut.lead_meta,
            )
        )
    return chunks


def merge_records(chunks: Iterable[Sequence[Record]]) -> list[Batch]:
    """Rebuild the stored batches from chunk records (a batch cut by a boundary is joined again)."""
    batches: list[Batch] = []
    for records in chunks:
        for tab, seq, ts, events in records:
            if batches and batches[-1].tab == tab and batches[-1].seq == seq and batches[-1].ts == ts:
                batches[-1].events.extend(events)
            else:
                batches.append(Batch(tab, seq, ts, list(events)))
    return batches


def replay_events(records: Sequence[Record], tab: str, lead_meta: dict | None) -> list[dict]:
    """The events a player gets for one chunk: playable on its own.

    DOM events of other tabs are left out (they would be applied to the wrong document); console, network
    and custom events of every tab stay. A chunk starting at a bare full snapshot gets the tab's last meta
    first, restamped to the snapshot's time, because rrweb needs a meta before the first snapshot.
    """
    out: list[dict] = []
    has_meta = lead_meta is None
    for rec_tab, _seq, rec_ts, events in records:
        for event in events:
            etype = _etype(event)
            if rec_tab != tab and etype in DOM_TYPES:
                continue
            if etype == EventType.META:
                has_meta = True
            elif etype == EventType.FULL_SNAPSHOT and not has_meta:
                out.append({**lead_meta, "timestamp": event_ts(event, rec_ts)})
                has_meta = True
            out.append(event)
    return out
