"""Sessions for tests, made straight through the ORM: a MagicLink + a live RecordingSession + credential.

Others may import these (`make_session` is the usual entry point).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from magiclinks.models import MagicLink
from sessions import credentials
from sessions.models import RecordingSession, SessionState

DEFAULT_TARGET = "http://testserver/demo/"


def make_agent(username: str | None = None):
    name = username or f"agent-{secrets.token_hex(4)}"
    return get_user_model().objects.create_user(name, f"{name}@example.com", "pw-not-used")


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


# --- rrweb events --------------------------------------------------------------------------------------

T0 = 1_763_800_000_000


def meta_event(ts: int = T0, href: str = "http://testserver/demo/", width: int = 1280, height: int = 800):
    return {"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": ts}


def full_snapshot_event(ts: int = T0, text: str = "Your cart"):
    text_node = {"type": 3, "textContent": text, "id": 5}
    body = {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [text_node], "id": 4}
    html = {"type": 2, "tagName": "html", "attributes": {}, "childNodes": [body], "id": 3}
    node = {"type": 0, "childNodes": [html], "id": 1}
    return {"type": 2, "data": {"node": node, "initialOffset": {"left": 0, "top": 0}}, "timestamp": ts}


def mouse_move_event(ts: int = T0, x: int = 10, y: int = 20):
    return {
        "type": 3,
        "data": {"source": 1, "positions": [{"x": x, "y": y, "id": 4, "timeOffset": 0}]},
        "timestamp": ts,
    }


def console_event(ts: int = T0, *args: str, level: str = "log"):
    payload = {"level": level, "payload": list(args) or ["hello"], "trace": []}
    return {"type": 6, "data": {"plugin": "rrweb/console@1", "payload": payload}, "timestamp": ts}


def network_event(ts: int = T0, status: int = 200, **request_fields):
    request = {"url": "http://testserver/api/cart", "method": "GET", "status": status, "startTime": 1.0}
    request.update(request_fields)
    return {
        "type": 6,
        "data": {"plugin": "rrweb/network@1", "payload": {"requests": [request]}},
        "timestamp": ts,
    }
