"""Sessions' answers to other apps' signals: a revoked link ends its live recordings."""

from magiclinks import signals as link_signals

from . import services
from .models import EndReason, RecordingSession, SessionState


def end_sessions_of_revoked_link(sender, link, **kwargs) -> int:
    """End the link's live sessions; returns how many were live (magiclinks audits the revoke with it)."""
    live = list(
        RecordingSession.objects.filter(link=link, state=SessionState.LIVE).values_list("id", flat=True)
    )
    for session_id in live:
        services.end_session(session_id, EndReason.REVOKED)
    return len(live)


def connect() -> None:
    link_signals.link_revoked.connect(end_sessions_of_revoked_link, dispatch_uid="recordings.link_revoked")
