"""Sessions for tests, made straight through the ORM: a MagicLink + a live RecordingSession + credential.

Others may import these (`make_session` is the usual entry point). Events are tests.support.events.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from magiclinks.models import MagicLink
from sessions import credentials
from sessions.models import RecordingSession, SessionState
from tests.magiclinks.factories import make_agent

DEFAULT_TARGET = "http://testserver/demo/"


def make_link(target_url: str = DEFAULT_TARGET, agent=None, **fields) -> MagicLink:
    token = secrets.token_urlsafe(32)
    return MagicLink.objects.create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        token_last4=token[-4:],
        created_by=agent or make_agent(),
        target_url=target_url,
        expires_at=timezone.now() + timedelta(hours=24),
        **{"sessions_used": 1, **fields},
    )


@dataclass(frozen=True)
class LiveSession:
    session: RecordingSession
    link: MagicLink
    credential: str

    @property
    def id(self):
        return self.session.id


def make_session(
    target_url: str = DEFAULT_TARGET,
    *,
    link: MagicLink | None = None,
    started_minutes_ago: float = 0,
    **link_fields,
) -> LiveSession:
    """A live session of a fresh link (or of `link`), with its recording credential."""
    link = link or make_link(target_url, **link_fields)
    session = RecordingSession.objects.create(
        link=link,
        state=SessionState.LIVE,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
    )
    return LiveSession(session, link, credentials.issue(session.id))
