"""Domain signals of a support case, sent by the services that make them happen (one list, one place).

Receivers (webhooks, in-app notifications) must be quick and must not fail the sender: they enqueue work
with `transaction.on_commit`, so nothing is sent for a change that is rolled back.

    link_accepted     sender=MagicLink  link, session, consent   magiclinks.services.accept
    link_declined     sender=MagicLink  link, consent            magiclinks.services.decline
    session_started   sender=RecordingSession  session           sessions.services.start_session
    session_ended     sender=RecordingSession  session_id, reason  sessions.services.end_session
    session_archived  sender=RecordingSession  session_id        sessions.archive.service.archive_session
"""

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

link_accepted = Signal()
link_declined = Signal()
session_started = Signal()
session_ended = Signal()
session_archived = Signal()

EVENTS = {
    "link_accepted": link_accepted,
    "link_declined": link_declined,
    "session_started": session_started,
    "session_ended": session_ended,
    "session_archived": session_archived,
}


def send(signal: Signal, sender, **kwargs) -> None:
    """Send robustly: a failing receiver is logged, never raised into the verb that made the change."""
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            log.error("signal receiver %r failed", receiver, exc_info=result)
