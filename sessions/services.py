"""Verbs of a recording session's life: start, end. Consumers, views, admin and tasks call these.

State moves only forward (live -> ended -> archived), each step with one conditional UPDATE so that two
processes racing (a revoke and an idle sweep, say) agree on a single winner.
"""

import logging
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from . import keys
from .models import ArchiveStatus, EndReason, RecordingSession, SessionState

log = logging.getLogger(__name__)

ARCHIVE_TASK = "recordings.archive_session"


def start_session(link, consent) -> RecordingSession:
    """A customer accepted: open a live session for the link (the caller holds the link's consumption)."""
    return RecordingSession.objects.create(link=link, consent=consent, state=SessionState.LIVE)


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
        notify_sockets(session_id, {"type": "session.stop", "reason": str(reason)})
        log.info("session %s ended (%s)", session_id, reason)
    return bool(won)


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
