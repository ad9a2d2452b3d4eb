"""Helpers for live-view and agent-page tests: agents, sessions, rrweb events, a store writer.

`StoreWriter` appends batches with the store's own Lua scripts, so the watch side can be tested without
the ingest consumer or a customer browser. It is not a protocol client: the one recorder client of the
wire protocol is tests/support/recorder.py (in-process frames: tests/sessions/ingest_helpers.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from sessions import keys, store
from sessions.models import RecordingSession, SessionState
from sessions.protocol import batch_stats
from sessions.redaction import redact_events
from tests.magiclinks.factories import make_agent  # noqa: F401  (tests use it as live.make_agent)
from tests.sessions.factories import make_link
from tests.support.events import (  # noqa: F401  (tests use them as live.page_events, live.text, ...)
    console_event,
    element,
    js_error,
    network_event,
    now_ms,
    page_events,
    text,
    text_change,
)


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def make_session(
    agent: User,
    *,
    state: str = SessionState.LIVE,
    customer: str = "Dana Customer",
    ticket: str = "T-1042",
    page_url: str = "https://shop.example/checkout",
    **fields: Any,
) -> RecordingSession:
    link = make_link(
        page_url,
        agent=agent,
        customer_name=customer,
        customer_email=customer.split()[0].lower() + "@example.com",
        ticket_ref=ticket,
    )
    if state != SessionState.LIVE:
        fields.setdefault("ended_at", timezone.now())
    return RecordingSession.objects.create(link=link, state=state, last_page_url=page_url, **fields)


# --- a writer that appends straight to Redis --------------------------------------------------------------


class StoreWriter:
    """One tab appending batches through the real store (the open and append Lua scripts), synchronously.

    What the ingest consumer does after a frame is decoded: the hello's OPEN script, then per batch the
    same redaction, batch statistics and APPEND script; no socket, so watch-side tests need no customer.
    """

    def __init__(self, redis, session_id, tab: str = "tab-1") -> None:
        self.session_id = session_id
        self.tab = tab
        self.seq = 0
        now = now_ms()
        open_script = redis.register_script(store.OPEN_LUA)
        open_script(
            keys=[keys.acked(session_id), keys.meta(session_id), keys.sockets(session_id)],
            args=[tab, now, "", 0, now, 0],
        )

    def send(self, events: list[dict]) -> str:
        """Append one batch; returns its stream id."""
        events = redact_events(events)
        result = store.append_batch_sync(self.session_id, self.tab, self.seq, events, batch_stats(events))
        assert result.stored, result
        self.seq += 1
        return result.stream_id
