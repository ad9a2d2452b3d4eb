"""Split a session's batches into chunks that each start at a meta + full snapshot. Pure.

A chunk is where a player can start playing on its own, so seeking into a long session loads one chunk.
Boundaries sit only where the recorder took a full snapshot (session start, page load, periodic checkout,
a watcher's snapshot request); a new chunk starts there once the current one spans `min_chunk_ms`, or at
once when the snapshot belongs to another tab (the replay then follows the tab the customer moved to).

The same function serves the archive writer and the data API's view of a not-yet-archived session, so both
number chunks identically for the same batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..events import EventType
from .format import ChunkInput, Record
from .rawevents import RawEvent

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


def decoded(batch: Batch) -> Batch:
    """The batch with its `RawEvent`s decoded, for a reader that needs their content (the repro steps'
    walk); the batch itself when it holds none."""
    if not any(type(e) is RawEvent for e in batch.events):
        return batch
    events = [e.decode() if type(e) is RawEvent else e for e in batch.events]
    return Batch(batch.tab, batch.seq, batch.ts, events, batch.stream_id)


def event_ts(event: Any, fallback: int) -> int:
    ts = event.get("timestamp") if isinstance(event, dict | RawEvent) else None
    return int(ts) if isinstance(ts, int | float) else fallback


def _etype(event: Any) -> Any:
    return event.get("type") if isinstance(event, dict | RawEvent) else None


class _Building:
    """The chunk being filled: its records, event count and time range."""

    def __init__(self, tab: str, lead_meta: dict | None) -> None:
        self.tab, self.lead_meta = tab, lead_meta
        self.records: list[Record] = []
        self.events = 0
        self.first_ts: int | None = None  # timestamp of its first event (the minimum length counts from it)
        self.low = self.high = 0

    def add(self, batch: Batch, event: Any) -> None:
        ts = event_ts(event, batch.ts)
        last = self.records[-1] if self.records else None
        if last is not None and last[0] == batch.tab and last[1] == batch.seq:
            last[3].append(event)
        else:
            self.records.append((batch.tab, batch.seq, batch.ts, [event]))
        if self.first_ts is None:
            self.first_ts = self.low = self.high = ts
        else:
            self.low, self.high = min(self.low, ts), max(self.high, ts)
        self.events += 1

    def done(self) -> ChunkInput:
        return ChunkInput(self.records, self.low, self.high, self.events, self.tab, self.lead_meta)


class Chunker:
    """Streaming form of `split`: feed batches in stream order, get each chunk as soon as it is complete.

    Holds one chunk (plus the tab metas), whatever the session's length: what lets the archive run in
    bounded memory. A meta event is held back until the next event shows whether it leads a new chunk.
    """

    def __init__(self, min_chunk_ms: int = MIN_CHUNK_MS, max_events: int = MAX_CHUNK_EVENTS) -> None:
        self.min_chunk_ms, self.max_events = min_chunk_ms, max_events
        self.last_meta: dict[str, dict] = {}
        self.current: _Building | None = None
        self.cut = False  # has a full snapshot opened a chunk yet
        self.held: tuple[Batch, Any] | None = None  # a meta waiting for the next event

    def feed(self, batch: Batch) -> list[ChunkInput]:
        done: list[ChunkInput] = []
        for event in batch.events:
            chunk = self._event(batch, event)
            if chunk is not None:
                done.append(chunk)
        return done

    def finish(self) -> list[ChunkInput]:
        self._release()
        chunk, self.current = self.current, None
        return [chunk.done()] if chunk is not None and chunk.events else []

    def _release(self) -> None:
        if self.held is not None:
            self._building(*self.held).add(*self.held)
            self.held = None

    def _building(self, batch: Batch, _event: Any) -> _Building:
        if self.current is None:
            self.current = _Building(batch.tab, None)
        return self.current

    def _event(self, batch: Batch, event: Any) -> ChunkInput | None:
        etype = _etype(event)
        tab = batch.tab
        if etype == EventType.META:
            self.last_meta[tab] = event
        if etype != EventType.FULL_SNAPSHOT:
            self._release()
            if etype == EventType.META:
                self.held = (batch, event)
            else:
                self._building(batch, event).add(batch, event)
            return None
        meta_first = self.held is not None and self.held[0].tab == tab
        if not self.cut:
            # The first snapshot: the chunk begun at the session's first event becomes chunk 0 (its tab).
            self.cut = True
            self._release()
            self._building(batch, event).tab = tab
            self.current.add(batch, event)
            return None
        current = self.current
        count = current.events + (1 if self.held is not None else 0)
        since = event_ts(event, batch.ts) - (current.first_ts or 0)
        long_enough = since >= self.min_chunk_ms or count >= self.max_events
        if tab != current.tab or long_enough:
            if not meta_first:
                self._release()
            finished = current.done() if current.events else None
            self.current = _Building(tab, None if meta_first else self.last_meta.get(tab))
            self._release()
            self.current.add(batch, event)
            return finished
        self._release()
        current.add(batch, event)
        return None


def split(
    batches: Iterable[Batch], min_chunk_ms: int = MIN_CHUNK_MS, max_events: int = MAX_CHUNK_EVENTS
) -> list[ChunkInput]:
    """Chunks in stream order; every event of every batch lands in exactly one chunk."""
    chunker = Chunker(min_chunk_ms, max_events)
    chunks: list[ChunkInput] = []
    for batch in batches:
        chunks += chunker.feed(batch)
    return chunks + chunker.finish()


def iter_merged(chunks: Iterable[Sequence[Record]]) -> Iterator[Batch]:
    """The stored batches from chunk records, in order (a batch cut by a boundary is joined again); holds
    one batch back until the next record shows whether it continues."""
    last: Batch | None = None
    for records in chunks:
        for tab, seq, ts, events in records:
            if last is not None and (last.tab, last.seq, last.ts) == (tab, seq, ts):
                last.events.extend(events)
                continue
            if last is not None:
                yield last
            last = Batch(tab, seq, ts, list(events))
    if last is not None:
        yield last


def merge_records(chunks: Iterable[Sequence[Record]]) -> list[Batch]:
    return list(iter_merged(chunks))


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
