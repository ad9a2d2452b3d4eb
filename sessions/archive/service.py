"""The archive verbs: archive one ended session, sweep the ones still waiting, purge past retention.

`archive_session` is idempotent and safe to kill at any point:
- a Redis lock (refreshed per page, expiring on its own) keeps two workers off one session;
- the object is written under a temporary name and finalized, then read back and decoded, and compared
  batch by batch with what the stream held;
- only after the database says "archived" are the Redis keys deleted. A run killed before that leaves
  the stream untouched, and the next run rewrites the same object name: exactly one archive exists.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from supportreplay.redis_client import get_redis

from .. import keys, store
from ..models import ArchiveStatus, RecordingSession, SessionArchive, SessionState
from ..summary import summarize
from . import chunking, format, reader, stream, verify, writer
from .lock import LockLost, RedisLock

log = logging.getLogger(__name__)

DEFAULT_LOCK_SECONDS = 60
# New entries may land right after we read (a batch in flight when the session ended): read again.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    status: str  # archived | already_archived | locked | not_ended | missing
    session_id: str
    detail: str = ""


@dataclass(frozen=True)
class Built:
    """An archive built in memory from batches: the object's bytes, its manifest and the session summary."""

    blob: bytes
    entries: list[format.ChunkEntry]
    tabs: dict[str, verify.TabRange]
    summary: dict
    event_count: int
    raw_bytes: int
    sha256: str
    start_ts: int
    end_ts: int


def build(batches: list[chunking.Batch]) -> Built:
    """Pure: chunk, encode, checksum and summarise a session's batches."""
    chunks = chunking.split(batches)
    blob, entries = format.build(chunks)
    tabs = verify.tab_ranges(batches)
    raw = sum(e.raw_bytes for e in entries)
    summary = summarize(batches, stored_bytes=len(blob), raw_bytes=raw, gaps=verify.gaps_by_tab(tabs))
    summary["tabs_detail"] = {tab: r.as_dict() for tab, r in tabs.items()}
    return Built(
        blob=blob,
        entries=entries,
        tabs=tabs,
        summary=summary,
        event_count=sum(len(b.events) for b in batches),
        raw_bytes=raw,
        sha256=hashlib.sha256(blob).hexdigest(),
        start_ts=min((e.start_ts for e in entries), default=0),
        end_ts=max((e.end_ts for e in entries), default=0),
    )


def check_readback(name: str, built: Built, batches: list[chunking.Batch]) -> None:
    """Read the stored object back, decode every chunk and compare with the stream's batches."""
    stored = reader.read_object(name)
    if hashlib.sha256(stored).hexdigest() != built.sha256:
        raise verify.ArchiveMismatch("stored object differs from the bytes written")
    entries = format.read_index(stored)
    if entries != built.entries:
        raise verify.ArchiveMismatch("stored index differs from the manifest")
    verify.check_identical(batches, chunking.merge_records(format.decode_all(stored, entries)))


def _lock(session_id: UUID | str) -> RedisLock:
    seconds = getattr(settings, "SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS", DEFAULT_LOCK_SECONDS)
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
            batches = list(stream.iter_batches(sid, on_page=lock.refresh))
            built = build(batches)
            lock.refresh()
            writer.write(name, built.blob)
            lock.refresh()
            check_readback(name, built, batches)
            if stream.last_id(sid) == (batches[-1].stream_id if batches else ""):
                break
            log.info("archive %s: stream grew while archiving, reading again", sid)
        else:
            raise RuntimeError("stream kept growing after the session ended")
        lock.refresh()
        _compare_with_counters(sid, built)
        _commit(session, name, built, elapsed_ms=int((time.perf_counter() - started) * 1000))
    except LockLost:
        log.warning("archive %s: lock lost, leaving the session to the run that holds it", sid)
        raise
    except Exception as exc:
        RecordingSession.objects.filter(pk=sid, state=SessionState.ENDED).update(
            archive_status=ArchiveStatus.FAILED, archive_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log.exception("archive %s failed", sid)
        raise
    stream.delete_keys(sid)
    log.info("archive %s: %d events, %d bytes stored", sid, built.event_count, len(built.blob))
    return Outcome("archived", sid, f"{len(built.blob)} bytes")


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
                "stored_bytes": len(built.blob),
                "sha256": built.sha256,
                "start_ts": built.start_ts,
                "end_ts": built.end_ts,
                "created_at": timezone.now(),
                "duration_ms": elapsed_ms,
            },
        )
        RecordingSession.objects.filter(pk=session.pk, state=SessionState.ENDED).update(
            state=SessionState.ARCHIVED,
            archive_status=ArchiveStatus.DONE,
            archive_error="",
            summary=summary,
            event_count=built.event_count,
            raw_bytes=built.raw_bytes,
            error_count=summary["console_errors"] + summary["js_errors"],
            failed_request_count=summary["failed_requests"],
        )


def verify_stored(archive: SessionArchive) -> int:
    """Decode every chunk of a stored archive against its manifest; returns the event count."""
    blob = reader.read_object(archive.storage_name)
    if hashlib.sha256(blob).hexdigest() != archive.sha256:
        raise verify.ArchiveMismatch("object checksum differs from the manifest")
    entries = [format.ChunkEntry.from_dict(e) for e in archive.manifest]
    batches = chunking.merge_records(format.decode_all(blob, entries))
    count = sum(len(b.events) for b in batches)
    if count != archive.event_count or verify.tab_ranges(batches).keys() != archive.tabs.keys():
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
    for sid in ids:
        enqueue_archive(sid)
    if ids:
        log.info("sweeper queued %d unarchived sessions", len(ids))
    return ids


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
    writer.delete(archive.storage_name if archive else writer.object_name(sid, session.started_at))
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
