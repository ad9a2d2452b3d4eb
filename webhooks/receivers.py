"""Domain signals -> webhook deliveries. Quick: rows are written now, the POSTs happen in Celery."""

from __future__ import annotations

from magiclinks import signals as link_signals
from sessions import signals
from sessions.models import RecordingSession

from . import services


def on_link_accepted(sender, link, session, **kwargs) -> None:
    services.enqueue("link_accepted", services.facts_for(link, session))


def on_link_declined(sender, link, **kwargs) -> None:
    services.enqueue("link_declined", services.facts_for(link))


def on_session_started(sender, session, **kwargs) -> None:
    services.enqueue("session_started", services.facts_for(session.link, session))


def _by_id(event: str, session_id) -> None:
    session = (
        RecordingSession.objects.select_related("link", "link__created_by").filter(pk=session_id).first()
    )
    if session is not None:
        services.enqueue(event, services.facts_for(session.link, session))


def on_session_ended(sender, session_id, **kwargs) -> None:
    _by_id("session_ended", session_id)


def on_session_archived(sender, session_id, **kwargs) -> None:
    _by_id("session_archived", session_id)


def connect() -> None:
    link_signals.link_accepted.connect(on_link_accepted, dispatch_uid="webhooks.link_accepted")
    link_signals.link_declined.connect(on_link_declined, dispatch_uid="webhooks.link_declined")
    signals.session_started.connect(on_session_started, dispatch_uid="webhooks.session_started")
    signals.session_ended.connect(on_session_ended, dispatch_uid="webhooks.session_ended")
    signals.session_archived.connect(on_session_archived, dispatch_uid="webhooks.session_archived")
