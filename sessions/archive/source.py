"""One view of a session's recording for the replay data API and the exports, wherever it lives now.

Archived sessions are read from the stored object (one chunk by byte range); ended sessions not yet
archived are read straight from the Redis stream and chunked with the same function the archive uses, so
chunk numbers and contents are the same before and after archiving.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..models import RecordingSession, SessionArchive, SessionState
from ..summary import summarize
from . import chunking, container, format, reader, stream, verify


class RecordingUnavailable(LookupError):
    """The session has no recording to serve (purged, or its archive object is missing)."""


@dataclass(frozen=True)
class ChunkInfo:
    index: int
    start_ts: int
    end_ts: int
    events: int
    tab: str
    lead_meta: dict | None


@dataclass(frozen=True)
class Recording:
    source: str  # "archive" | "redis"
    chunks: list[ChunkInfo]
    summary: dict[str, Any]
    archive: SessionArchive | None = None

    @property
    def start_ts(self) -> int:
        return min((c.start_ts for c in self.chunks), default=0)

    @property
    def end_ts(self) -> int:
        return max((c.end_ts for c in self.chunks), default=0)


def _archive_of(session: RecordingSession) -> SessionArchive:
    archive = SessionArchive.objects.filter(session=session).first()
    if archive is None:
        raise RecordingUnavailable(str(session.pk))
    return archive


def _archive_chunks(session: RecordingSession) -> Iterator[tuple[format.ChunkEntry, list[format.Record]]]:
    """Every chunk of `session`'s archive in order, one range read each: one chunk in memory at a time."""
    archive = _archive_of(session)
    entries = [format.ChunkEntry.from_dict(e) for e in archive.manifest]
    yield from reader.iter_chunks(archive.storage_name, entries)


# Ended-not-archived sessions are read from Redis on every request; the player asks for the manifest and
# then every chunk, so keep the last few decoded streams (keyed by the newest stream id: a grown stream is
# a new key). Archiving usually follows within seconds, so this stays small and short-lived.
_RECENT: OrderedDict[tuple[str, str], tuple[list[chunking.Batch], list[format.ChunkInput]]] = OrderedDict()
_RECENT_MAX = 2
_recent_lock = threading.Lock()


def _from_stream(session_id) -> tuple[list[chunking.Batch], list[format.ChunkInput]]:
    key = (str(session_id), stream.last_id(session_id))
    with _recent_lock:
        if key in _RECENT:
            _RECENT.move_to_end(key)
            return _RECENT[key]
    batches = list(stream.iter_batches(session_id))
    value = (batches, chunking.split(batches))
    with _recent_lock:
        _RECENT[key] = value
        while len(_RECENT) > _RECENT_MAX:
            _RECENT.popitem(last=False)
    return value


# A replay page asks for chunk after chunk of one archive: keep the decoded dictionary and assets of the
# last few objects (each at most 2 + 16 MiB), so a seek reads and decodes only its chunk.
_HEADS: OrderedDict[tuple[str, int, int], container.ChunkDecoder] = OrderedDict()
_HEADS_MAX = 2


def _head_decoder(name: str, entry: format.ChunkEntry) -> container.ChunkDecoder:
    key = (name, *entry.head_range)
    with _recent_lock:
        if key in _HEADS:
            _HEADS.move_to_end(key)
            return _HEADS[key]
    decoder = container.ChunkDecoder(reader.read_head(name, entry), entry)
    with _recent_lock:
        _HEADS[key] = decoder
        while len(_HEADS) > _HEADS_MAX:
            _HEADS.popitem(last=False)
    return decoder


# The summary of an ended-not-archived stream, computed once per stream state (same key as _RECENT), not
# on every manifest request: the archive stores it for good a few seconds later.
_SUMMARIES: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()


def _stream_summary(session_id, batches: list[chunking.Batch]) -> dict[str, Any]:
    key = (str(session_id), batches[-1].stream_id if batches else "")
    with _recent_lock:
        if key in _SUMMARIES:
            _SUMMARIES.move_to_end(key)
            return _SUMMARIES[key]
    summary = summarize(
        batches,
        raw_bytes=sum(len(format.pack(b.events)) for b in batches),
        gaps=verify.gaps_by_tab(verify.tab_ranges(batches)),
    )
    with _recent_lock:
        _SUMMARIES[key] = summary
        while len(_SUMMARIES) > _RECENT_MAX:
            _SUMMARIES.popitem(last=False)
    return summary


def load(session: RecordingSession) -> Recording:
    if session.state == SessionState.ARCHIVED:
        archive = _archive_of(session)
        entries = [format.ChunkEntry.from_dict(e) for e in archive.manifest]
        chunks = [ChunkInfo(e.index, e.start_ts, e.end_ts, e.events, e.tab, e.lead_meta) for e in entries]
        return Recording("archive", chunks, session.summary or {}, archive=archive)
    batches, split = _from_stream(session.pk)
    summary = _stream_summary(session.pk, batches)
    chunks = [ChunkInfo(n, c.start_ts, c.end_ts, c.events, c.tab, c.lead_meta) for n, c in enumerate(split)]
    return Recording("redis", chunks, summary)


def chunk_events(session: RecordingSession, index: int) -> list[dict]:
    """The replayable events of chunk `index` (IndexError when there is no such chunk)."""
    if session.state == SessionState.ARCHIVED:
        archive = _archive_of(session)
        if not 0 <= index < len(archive.manifest):
            raise IndexError(index)
        entry = format.ChunkEntry.from_dict(archive.manifest[index])
        decoder = _head_decoder(archive.storage_name, entry)
        records = decoder.decode(reader.read_range(archive.storage_name, entry.offset, entry.length), entry)
        return chunking.replay_events(records, entry.tab, entry.lead_meta)
    _batches, split = _from_stream(session.pk)
    if not 0 <= index < len(split):
        raise IndexError(index)
    return chunking.replay_events(split[index].records, split[index].tab, split[index].lead_meta)


def all_events(session: RecordingSession) -> Iterator[dict]:
    """Every replayable event, chunk after chunk (what the JSON export and the report read)."""
    if session.state == SessionState.ARCHIVED:
        for entry, records in _archive_chunks(session):
            yield from chunking.replay_events(records, entry.tab, entry.lead_meta)
        return
    for chunk in _from_stream(session.pk)[1]:
        yield from chunking.replay_events(chunk.records, chunk.tab, chunk.lead_meta)


def iter_batches(session: RecordingSession) -> Iterator[chunking.Batch]:
    """Every stored batch (with its tab), from the archive chunk by chunk, or from the stream."""
    if session.state == SessionState.ARCHIVED:
        yield from chunking.iter_merged(records for _entry, records in _archive_chunks(session))
        return
    yield from _from_stream(session.pk)[0]


def all_batches(session: RecordingSession) -> list[chunking.Batch]:
    """Every stored batch as a list, for exports that read them more than once."""
    return list(iter_batches(session))
