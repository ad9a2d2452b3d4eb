"""Verbs of a recording session's life: start, end. Consumers, views, admin and tasks call these.

State moves only forward (live -> ended -> archived), each step with one conditional UPDATE so that two
processes racing (a revoke and an idle sweep, say) agree on a single winner.

The ingest side (sessions/consumers/ingest.py) asks these functions who may connect (`ingest_session`,
the origin checks) and what the recorder is told (`session_options`); Celery beat calls
`end_idle_sessions` and `end_overlong_sessions`.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from supportreplay.targets import configured_origins, origin_of

from . import keys, signals, store
from .models import ArchiveStatus, EndReason, RecordingSession, SessionState
from .protocol import ReadyOptions

log = logging.getLogger(__name__)

ARCHIVE_TASK = "recordings.archive_session"


def start_session(link, consent) -> RecordingSession:
    """A customer accepted: open a live session for the link (the caller holds the link's consumption)."""
    session = RecordingSession.objects.create(link=link, consent=consent, state=SessionState.LIVE)
    signals.send(signals.session_started, RecordingSession, session=session)
    return session


def end_session(session_id: UUID | str, reason: EndReason) -> bool:
    """End a live session: refuse new connections, close open sockets, queue the archive.

    Returns False when the session was not live (already ended by someone else): nothing happens then.
    """
    with transaction.atomic():
        won = RecordingSession.objects.filter(pk=session_id, state=SessionState.LIVE).update(
            state=SessionState.ENDED,
            end_reason=reason,
            ended_at=timezone.now(),
            archive_status=ArchiveStatus.PENDING,
        )
        if won:
            transaction.on_commit(lambda: enqueue_archive(session_id))
    if won:
        try:
            # The append script refuses batches from now on, even from a socket that misses the message.
            store.mark_ended(session_id)
            save_counters(session_id)
        except RedisError:
            log.warning("could not mark session %s ended in Redis", session_id, exc_info=True)
        notify_sockets(session_id, {"type": "session.stop", "reason": str(reason)})
        signals.send(signals.session_ended, RecordingSession, session_id=session_id, reason=str(reason))
        log.info("session %s ended (%s)", session_id, reason)
    return bool(won)


def save_counters(session_id: UUID | str) -> bool:
    """Copy the live counters and the last page from Redis to the database row.

    Called once the meta says "ended" (no batch is stored after that), so the numbers are final: the
    sessions list, its "has errors" filter and the replay page show them for an ended session, and keep
    showing them if the archive fails. The archive later rewrites them from the stored events.
    """
    meta = store.read_meta(session_id)
    if meta is None:
        return False
    RecordingSession.objects.filter(pk=session_id).exclude(state=SessionState.ARCHIVED).update(
        event_count=meta.events,
        raw_bytes=meta.bytes,
        error_count=meta.errors,
        failed_request_count=meta.failed_requests,
        last_page_url=meta.page_url[:2000],
    )
    return True


def enqueue_archive(session_id: UUID | str) -> None:
    from supportreplay.celery import app

    app.send_task(ARCHIVE_TASK, args=[str(session_id)])


def notify_sockets(session_id: UUID | str, message: dict) -> None:
    """Send a control message to every ingest socket of the session (any daphne process)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(keys.control_group(session_id), message)
    except Exception:
        # The session's state in the database is what every (re)connect is checked against; a lost
        # control message only delays the close until the socket's next frame or reconnect.
        log.warning("could not notify sockets of session %s", session_id, exc_info=True)


# --- ingest: who may connect, what the recorder is told ----------------------------------------------

# An ingest socket refreshes its heartbeat every HEARTBEAT_SECONDS; a `connected` count whose heartbeat is
# older than HEARTBEAT_STALE_SECONDS is a leftover of a killed daphne process, not a customer.
HEARTBEAT_SECONDS = 30
HEARTBEAT_STALE_SECONDS = 3 * HEARTBEAT_SECONDS


@dataclass(frozen=True)
class IngestSession:
    """What the ingest consumer needs to know about a session at hello."""

    id: UUID
    live: bool
    overlong: bool
    link_revoked: bool
    target_origin: str
    options: ReadyOptions


def session_options(session: RecordingSession) -> ReadyOptions:
    """The capture options sent to the recorder in `ready` (the link's choices and server limits)."""
    link = session.link
    return ReadyOptions(
        console=link.capture_console,
        network=link.capture_network,
        bodies=link.capture_network and link.capture_network_bodies,
        mask_all_text=link.mask_all_text,
        assets=link.capture_assets and not link.mask_all_text,
        checkout_ms=settings.SUPPORTREPLAY_CHECKOUT_EVERY_MS,
        company=settings.SUPPORTREPLAY_COMPANY_NAME,
        max_frame=settings.SUPPORTREPLAY_MAX_FRAME_BYTES,
    )


def max_duration() -> timedelta:
    return timedelta(minutes=settings.SUPPORTREPLAY_MAX_SESSION_MINUTES)


def ingest_session(session_id: UUID) -> IngestSession | None:
    session = RecordingSession.objects.select_related("link").filter(pk=session_id).first()
    if session is None:
        return None
    return IngestSession(
        id=session.id,
        live=session.state == SessionState.LIVE,
        overlong=session.started_at + max_duration() <= timezone.now(),
        link_revoked=session.link.revoked_at is not None,
        target_origin=origin_of(session.link.target_url) or "",
        options=session_options(session),
    )


def site_origins(host_header: str, scheme: str) -> set[str]:
    """This server's own origins: its public URL and the host the socket came to (the demo shop)."""
    found = set()
    if settings.SUPPORTREPLAY_PUBLIC_URL and (public := origin_of(settings.SUPPORTREPLAY_PUBLIC_URL)):
        found.add(public)
    if host_header:
        http = "https" if scheme == "wss" else "http"
        for candidate in (f"{http}://{host_header}", f"https://{host_header}"):
            if origin := origin_of(candidate):
                found.add(origin)
    return found


def live_target_origins() -> set[str]:
    """Origins of the targets of links with a live session: where a recorder may legitimately run."""
    urls = (
        RecordingSession.objects.filter(state=SessionState.LIVE, link__revoked_at__isnull=True)
        .values_list("link__target_url", flat=True)
        .distinct()
    )
    return {o for o in map(origin_of, urls) if o}


def origin_known(origin: str, host_header: str, scheme: str) -> bool:
    """A configured origin or this site's own: decided without the database (no thread hop per socket)."""
    normal = origin_of(origin) if origin else None
    return bool(normal) and (normal in configured_origins() or normal in site_origins(host_header, scheme))


def origin_may_connect(origin: str, host_header: str, scheme: str) -> bool:
    """The cheap check before accept (the session is not known yet): refuse unknown and missing origins."""
    if origin_known(origin, host_header, scheme):
        return True
    normal = origin_of(origin) if origin else None
    return bool(normal) and normal in live_target_origins()


def origin_may_write(origin: str, session: IngestSession) -> bool:
    """After hello: the socket's Origin must be the session's own link target, or a configured origin."""
    normal = origin_of(origin) if origin else None
    return bool(normal) and (normal == session.target_origin or normal in configured_origins())


# --- beat: sessions that end on their own ------------------------------------------------------------


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def end_idle_sessions(now: datetime | None = None) -> list[UUID]:
    """End live sessions with no open socket and no activity for SUPPORTREPLAY_IDLE_MINUTES."""
    now = now or timezone.now()
    cutoff = _ms(now - timedelta(minutes=settings.SUPPORTREPLAY_IDLE_MINUTES))
    stale_heartbeat = _ms(now) - HEARTBEAT_STALE_SECONDS * 1000
    live = list(RecordingSession.objects.filter(state=SessionState.LIVE).values_list("id", "started_at"))
    if not live:
        return []
    metas = store.read_metas([session_id for session_id, _started in live])
    ended = []
    for session_id, started_at in live:
        meta = metas[str(session_id)] or store.SessionMeta()
        connected_now = meta.connected > 0 and meta.heartbeat >= stale_heartbeat
        last = meta.last_activity or _ms(started_at)
        if not connected_now and last < cutoff and end_session(session_id, EndReason.IDLE):
            ended.append(session_id)
    return ended


def end_overlong_sessions(now: datetime | None = None) -> list[UUID]:
    """End live sessions older than SUPPORTREPLAY_MAX_SESSION_MINUTES."""
    now = now or timezone.now()
    overdue = RecordingSession.objects.filter(state=SessionState.LIVE, started_at__lte=now - max_duration())
    return [sid for sid in overdue.values_list("id", flat=True) if end_session(sid, EndReason.MAX_DURATION)]
