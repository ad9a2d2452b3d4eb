"""The archive verbs: archive one ended session, sweep the ones still waiting, purge past retention.

`archive_session` is idempotent and safe to kill at any point:
- a Redis lock (refreshed per page, expiring on its own) keeps two workers off one session;
- the stream is read in byte-bounded pages and written chunk by chunk to a local temporary file (one pass,
  memory bounded by about one chunk; full snapshots stay the stream's msgpack bytes), stored under a
  temporary name and finalized, then read back by range: the dictionary and every chunk decompressed and
  compared, byte for byte (sha256), with what was written, and each chunk's records (tab, seq, ts, event
  count) parsed and compared with the stream's;
- only after the database says "archived" are the Redis keys deleted. A run killed before that leaves
  the stream untouched, and the next run rewrites the same object name: exactly one archive exists.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO
from uuid import UUID

import zstandard
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from supportreplay.redis_client import get_redis

from .. import asset_archive, keys, signals, store
from ..models import ArchiveStatus, RecordingSession, SessionArchive, SessionState
from ..repro.stored import ArchiveSteps
from ..summary import summarize
from . import chunking, container, format, gcpause, reader, stream, verify, writer
from .lock import LockLost, RedisLock

log = logging.getLogger(__name__)

# New entries may land right after we read (a batch in flight when the session ended): read again.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    status: str  # archived | already_archived | locked | not_ended | missing
    session_id: str
    detail: str = ""


@dataclass(frozen=True)
class Built:
    """What writing an archive produced: its manifest, per-chunk digests to verify against, the summary."""

    entries: list[format.ChunkEntry]
    checks: list[verify.ChunkCheck]  # per chunk: what it must read back as
    dictionary_sha256: str
    dictionary_size: int
    tabs: dict[str, verify.TabRange]
    summary: dict
    event_count: int
    raw_bytes: int
    stored_bytes: int
    sha256: str
    start_ts: int
    end_ts: int
    last_stream_id: str
    large_strings: int  # distinct large strings stored once, in the dictionary


class _HashingFile:
    """Write-through to a binary file, hashing what passes."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.hash = out, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.out.write(data)


def build(batches: Iterable[chunking.Batch], out: BinaryIO) -> Built:
    """Chunk, encode and write the batches to `out` as they arrive, summarising (and walking the repro
    steps, stored in the summary) on the way.

    One pass, linear in the events; memory holds one stream page, one chunk, and the session's capped
    dictionary, whatever the session's length. Full snapshots may come as `rawevents.RawEvent` (the
    archive reads the stream with `raw_snapshots`): they are written as the bytes they are.
    """
    target = _HashingFile(out)
    writer = container.ObjectWriter(target)
    chunker = chunking.Chunker()
    tally = verify.TabTally()
    checks: list[verify.ChunkCheck] = []
    seen = {"events": 0, "last_id": ""}
    steps = ArchiveSteps()

    def flow() -> Iterator[chunking.Batch]:
        for batch in batches:
            tally.add(batch)
            if steps.walking:
                steps.add(chunking.decoded(batch))
            seen["events"] += len(batch.events)
            seen["last_id"] = batch.stream_id
            for chunk in chunker.feed(batch):
                checks.append(writer.add(chunk)[1])
            yield batch
        for chunk in chunker.finish():
            checks.append(writer.add(chunk)[1])

    with gcpause.paused():
        summary = summarize(flow())
    entries = writer.close()
    tabs = tally.ranges()
    raw = sum(e.raw_bytes for e in entries)
    summary.update(stored_bytes=writer.size, raw_bytes=raw, gaps=verify.gaps_by_tab(tabs))
    summary["tabs_detail"] = {tab: r.as_dict() for tab, r in tabs.items()}
    start_ts = min((e.start_ts for e in entries), default=0)
    steps.store(summary, start_ts)
    return Built(
        entries=entries,
        checks=checks,
        dictionary_sha256=writer.dictionary_sha256,
        dictionary_size=len(writer.dictionary),
        tabs=tabs,
        summary=summary,
        event_count=seen["events"],
        raw_bytes=raw,
        stored_bytes=writer.size,
        sha256=target.hash.hexdigest(),
        start_ts=start_ts,
        end_ts=max((e.end_ts for e in entries), default=0),
        last_stream_id=seen["last_id"],
        large_strings=writer.dictionary.strings,
    )


def check_readback(name: str, built: Built, on_chunk: Callable[[], None] | None = None) -> None:
    """Read the stored object back by ranges and prove it holds what was built from the stream: its size,
    its index, its dictionary (sha256 of the decompressed bytes), and every chunk: its frame's sha256, the
    msgpack it decompresses to (against the dictionary prefix it was written with) byte for byte the one
    written, and that msgpack parsed into the stream's records (tab, seq, ts, event count). One chunk in
    memory at a time.

    The chunk's msgpack is assembled from the stream's own bytes (full snapshots copied, other events
    packed as decoded), so it is not decoded into events again here: the codec's round trip (events back
    equal, mouse moves and all) is what tests/sessions/test_archive_format.py proves.
    """
    size = default_storage.size(name)
    if size != built.stored_bytes:
        raise verify.ArchiveMismatch(f"stored object has {size} bytes, {built.stored_bytes} were written")
    if reader.read_index(name, size) != built.entries:
        raise verify.ArchiveMismatch("stored index differs from the manifest")
    if not built.entries:
        return
    try:
        dictionary = container.read_dictionary(reader.read_head(name, built.entries[0]), built.entries[0])
    except zstandard.ZstdError as exc:
        raise verify.ArchiveMismatch(f"stored dictionary does not decompress: {exc}") from exc
    if len(dictionary) != built.dictionary_size or _sha256(dictionary) != built.dictionary_sha256:
        raise verify.ArchiveMismatch("stored dictionary differs from the one written")
    decompressors = container.PrefixDecompressors(dictionary)
    for entry in built.entries:
        frame = reader.read_range(name, entry.offset, entry.length)
        if _sha256(frame) != entry.sha256:
            raise verify.ArchiveMismatch(f"chunk {entry.index} differs from the frame written")
        verify.check_chunk(entry.index, built.checks[entry.index], decompressors.decompress(frame, entry))
        if on_chunk:
            on_chunk()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lock(session_id: UUID | str) -> RedisLock:
    seconds = settings.SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS
    return RedisLock(get_redis(), keys.archive_lock(session_id), int(seconds * 1000))


def archive_session(session_id: UUID | str) -> Outcome:
    sid = str(session_id)
    lock = _lock(sid)
    if not lock.acquire():
        log.info("archive %s: skipped, another worker holds the lock", sid)
        return Outcome("locked", sid)
    try:
        return _archive_locked(sid, lock)
    finally:
        lock.release()


def _archive_locked(sid: str, lock: RedisLock) -> Outcome:
    session = RecordingSession.objects.filter(pk=sid).first()
    if session is None:
        log.info("archive %s: skipped, no such session", sid)
        return Outcome("missing", sid)
    if session.state == SessionState.ARCHIVED:
        if SessionArchive.objects.filter(session=session).exists() and stream.exists(sid):
            # A run killed between the database commit and the key deletion: finish its last step.
            stream.delete_keys(sid)
        log.info("archive %s: skipped, already archived", sid)
        return Outcome("already_archived", sid)
    if session.state != SessionState.ENDED:
        log.info("archive %s: skipped, session is %s", sid, session.state)
        return Outcome("not_ended", sid)

    RecordingSession.objects.filter(pk=sid).update(archive_status=ArchiveStatus.RUNNING)
    started = time.perf_counter()
    name = writer.object_name(sid, session.started_at)
    try:
        for _attempt in range(MAX_ATTEMPTS):
            with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as local:
                built = build(stream.iter_batches(sid, on_page=lock.refresh, raw_snapshots=True), local)
                lock.refresh()
                local.seek(0)
                writer.write(name, local)
            lock.refresh()
            check_readback(name, built, on_chunk=lock.refresh)
            if stream.last_id(sid) == built.last_stream_id:
                break
            log.info("archive %s: stream grew while archiving, reading again", sid)
        else:
            raise RuntimeError("stream kept growing after the session ended")
        lock.refresh()
        _compare_with_counters(sid, built)
        asset_archive.persist(sid, name)  # the captured images and fonts, before the keys go
        _commit(session, name, built, elapsed_ms=int((time.perf_counter() - started) * 1000))
    except LockLost:
        if lock.client.exists(lock.key):
            log.warning("archive %s: lock lost, leaving the session to the run that holds it", sid)
        else:
            # Nobody took over: this run simply outlived its lock. Say so instead of staying "running"
            # (the failed-archive metric counts it; the sweeper retries it).
            _mark_failed(sid, f"archive run exceeded its {lock.ttl_ms // 1000} s lock")
        raise
    except Exception as exc:
        _mark_failed(sid, f"{type(exc).__name__}: {exc}")
        log.exception("archive %s failed", sid)
        raise
    stream.delete_keys(sid)
    log.info("archive %s: %d events, %d bytes stored", sid, built.event_count, built.stored_bytes)
    return Outcome("archived", sid, f"{built.stored_bytes} bytes")


def _mark_failed(sid: str, error: str) -> None:
    RecordingSession.objects.filter(pk=sid, state=SessionState.ENDED).update(
        archive_status=ArchiveStatus.FAILED, archive_error=error[:2000]
    )


def _compare_with_counters(sid: str, built: Built) -> None:
    """The ingest side counts every stored batch and event in the meta hash; a stream holding fewer means
    entries were lost in Redis (eviction, a trimmed stream). Archive what is there, and say so."""
    meta = store.read_meta(sid)
    if meta is None or not meta.batches:
        return
    read_batches = sum(r.batches - r.duplicates for r in built.tabs.values())
    if (meta.batches, meta.events) != (read_batches, built.event_count):
        built.summary["stream_mismatch"] = {
            "counted_batches": meta.batches,
            "counted_events": meta.events,
            "read_batches": read_batches,
            "read_events": built.event_count,
        }
        log.warning("archive %s: stream holds %d batches, ingest counted %d", sid, read_batches, meta.batches)


def _commit(session: RecordingSession, name: str, built: Built, elapsed_ms: int) -> None:
    summary = built.summary
    with transaction.atomic():
        SessionArchive.objects.update_or_create(
            session=session,
            defaults={
                "storage_name": name,
                "codec": format.CODEC,
                "format_version": format.FORMAT_VERSION,
                "manifest": [e.as_dict() for e in built.entries],
                "tabs": {tab: r.as_dict() for tab, r in built.tabs.items()},
                "event_count": built.event_count,
                "raw_bytes": built.raw_bytes,
                "stored_bytes": built.stored_bytes,
                "sha256": built.sha256,
                "start_ts": built.start_ts,
                "end_ts": built.end_ts,
                "created_at": timezone.now(),
                "duration_ms": elapsed_ms,
            },
        )
        archived = RecordingSession.objects.filter(pk=session.pk, state=SessionState.ENDED).update(
            state=SessionState.ARCHIVED,
            archive_status=ArchiveStatus.DONE,
            archive_error="",
            summary=summary,
            event_count=built.event_count,
            raw_bytes=built.raw_bytes,
            error_count=summary["console_errors"] + summary["js_errors"],
            failed_request_count=summary["failed_requests"],
        )
        if archived:
            signals.send(signals.session_archived, RecordingSession, session_id=session.pk)


def verify_stored(archive: SessionArchive) -> int:
    """Check a stored archive against its manifest, chunk by chunk (range reads); returns the event count."""
    name = archive.storage_name
    size = default_storage.size(name)
    if size != archive.stored_bytes or reader.object_sha256(name, size) != archive.sha256:
        raise verify.ArchiveMismatch("object checksum differs from the manifest")
    entries = [format.ChunkEntry.from_dict(e) for e in archive.manifest]
    if reader.read_index(name, size) != entries:
        raise verify.ArchiveMismatch("stored index differs from the manifest")
    count, tabs = 0, set()
    for _entry, records in reader.iter_chunks(name, entries):
        for tab, _seq, _ts, events in records:
            count += len(events)
            tabs.add(tab)
    if count != archive.event_count or tabs != archive.tabs.keys():
        raise verify.ArchiveMismatch("decoded events differ from the manifest")
    return count


def sweep_unarchived(grace_seconds: int = 120) -> list[str]:
    """Queue every ended session still not archived (a lost or failed task is retried this way)."""
    from ..services import enqueue_archive

    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    ids = [
        str(pk)
        for pk in RecordingSession.objects.filter(state=SessionState.ENDED, ended_at__lte=cutoff).values_list(
            "pk", flat=True
        )
    ]
    _fail_vanished_runs(ids)
    for sid in ids:
        enqueue_archive(sid)
    if ids:
        log.info("sweeper queued %d unarchived sessions", len(ids))
    return ids


def _fail_vanished_runs(ids: list[str]) -> None:
    """A session still "running" whose lock nobody holds lost its worker (killed, out of memory): say so,
    so the failed-archive metric fires even when every retry dies the same way."""
    running = RecordingSession.objects.filter(pk__in=ids, archive_status=ArchiveStatus.RUNNING)
    for sid in (str(pk) for pk in running.values_list("pk", flat=True)):
        if not get_redis().exists(keys.archive_lock(sid)):
            _mark_failed(sid, "archive run vanished without finishing (worker killed?)")
            log.warning("archive %s: run vanished, marked failed and queued again", sid)


def purge_session(session: RecordingSession) -> str:
    """Delete one recording everywhere: its stored object, its Redis keys, then its rows.

    The one way a session is deleted (retention purge, admin delete). A live session is ended first, so
    its sockets close and its meta says "ended" before the keys go.
    """
    from ..models import EndReason
    from ..services import end_session

    sid = str(session.pk)
    if session.state == SessionState.LIVE:
        end_session(sid, EndReason.REVOKED)
    archive = SessionArchive.objects.filter(session_id=sid).first()
    name = archive.storage_name if archive else writer.object_name(sid, session.started_at)
    writer.delete(name)
    asset_archive.purge(name)
    stream.delete_keys(sid)
    session.delete()
    return sid


def purge_expired(now=None) -> list[str]:
    """Delete recordings past SUPPORTREPLAY_RETENTION_DAYS: object, Redis keys, session and archive rows.

    The audit trail (magiclinks.AuditEvent) and consent records stay: they reference the session by id only.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.SUPPORTREPLAY_RETENTION_DAYS)
    expired = RecordingSession.objects.filter(
        Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, started_at__lt=cutoff)
    ).exclude(state=SessionState.LIVE)
    purged = [purge_session(session) for session in expired.select_related("archive").iterator()]
    if purged:
        log.info("retention purge removed %d sessions", len(purged))
    return purged
