"""Domain signals of a recording's life, sent by the services that make them happen (one list, one place).

Receivers (webhooks, in-app notifications) must be quick and must not fail the sender: they enqueue work
with `transaction.on_commit`, so nothing is sent for a change that is rolled back.

    session_started   sender=RecordingSession  session           sessions.services.start_session
    session_ended     sender=RecordingSession  session_id, reason  sessions.services.end_session
    session_archived  sender=RecordingSession  session_id        sessions.archive.service.archive_session

A link's signals (accepted, declined, revoked) are magiclinks.signals.
"""

from django.dispatch import Signal

from supportreplay.signals import send  # noqa: F401  (callers write `signals.send(signals.session_ended, …)`)

session_started = Signal()
session_ended = Signal()
session_archived = Signal()
