"""Helpers for live-view and agent-page tests: agents, sessions, rrweb events, a simulated recorder.

`SimRecorder` writes batches to a session's Redis stream in the contract's layout (fields tab, seq, ts,
ev = msgpack of the events list, full) and keeps the meta hash the way ingest does, so the watch side can
be tested without the ingest consumer or a customer browser.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import time
from datetime import timedelta
from typing import Any

import msgpack
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from magiclinks.models import MagicLink
from sessions import keys
from sessions.models import RecordingSession, SessionState

_ids = itertools.count(100)


def now_ms() -> int:
    return int(time.time() * 1000)


def make_agent(username: str = "", *, permitted: bool = True, staff: bool = True) -> User:
    # Unique by default: a test that crashed in another suite may have left an "agent" behind.
    username = username or f"agent-{secrets.token_hex(3)}"
    user = User.objects.create_user(username, password="pw-" + secrets.token_hex(4), is_staff=staff)
    if permitted:
        user.groups.add(agent_group())
    return user


def agent_group() -> Group:
    """The "Support agent" group (a data migration makes it; transactional tests' flushes remove it)."""
    group, _ = Group.objects.get_or_create(name="Support agent")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recordings",
            codename__in=["view_recordingsession", "watch_recordingsession", "export_recordingsession"],
        )
    )
    return group


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
    token = secrets.token_urlsafe(16)
    link = MagicLink.objects.create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        token_last4=token[-4:],
        created_by=agent,
        customer_name=customer,
        customer_email=customer.split()[0].lower() + "@example.com",
        ticket_ref=ticket,
        target_url=page_url,
        expires_at=timezone.now() + timedelta(hours=1),
        sessions_used=1,
    )
    if state != SessionState.LIVE:
        fields.setdefault("ended_at", timezone.now())
    return RecordingSession.objects.create(link=link, state=state, last_page_url=page_url, **fields)


# --- rrweb events ----------------------------------------------------------------------------------------


def element(tag: str, children: list | None = None, **attributes: str) -> dict:
    return {
        "type": 2,
        "tagName": tag,
        "attributes": attributes,
        "childNodes": children or [],
        "id": next(_ids),
    }


def text(value: str) -> dict:
    return {"type": 3, "textContent": value, "id": next(_ids)}


def page_events(href: str, body: list[dict], ts: int | None = None, width: int = 1024, height: int = 700):
    """Meta + full snapshot of a page whose <body> holds `body` (nodes made with element/text)."""
    ts = ts or now_ms()
    document = {
        "type": 0,
        "childNodes": [
            {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 1_000_001},
            {
                "type": 2,
                "tagName": "html",
                "attributes": {},
                "childNodes": [
                    element("head", [element("title", [text("Shop")])]),
                    element("body", body),
                ],
                "id": 1_000_002,
            },
        ],
        "id": 1_000_000,
    }
    return [
        {"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": ts},
        {"type": 2, "data": {"node": document, "initialOffset": {"left": 0, "top": 0}}, "timestamp": ts},
    ]


def text_change(node_id: int, value: str, ts: int | None = None) -> dict:
    return {
        "type": 3,
        "data": {
            "source": 0,
            "texts": [{"id": node_id, "value": value}],
            "attributes": [],
            "removes": [],
            "adds": [],
        },
        "timestamp": ts or now_ms(),
    }


def console_event(level: str, *payload: str, trace: list[str] | None = None, ts: int | None = None) -> dict:
    return {
        "type": 6,
        "data": {
            "plugin": "rrweb/console@1",
            "payload": {"level": level, "payload": [f'"{p}"' for p in payload], "trace": trace or []},
        },
        "timestamp": ts or now_ms(),
    }


def network_event(url: str, status: int, method: str = "GET", ts: int | None = None) -> dict:
    ts = ts or now_ms()
    return {
        "type": 6,
        "data": {
            "plugin": "rrweb/network@1",
            "payload": {
                "requests": [
                    {
                        "url": url,
                        "method": method,
                        "status": status,
                        "startTime": ts - 120,
                        "endTime": ts,
                        "initiatorType": "fetch",
                        "responseHeaders": {"content-length": "42"},
                    }
                ]
            },
        },
        "timestamp": ts,
    }


def js_error(message: str, stack: str = "", ts: int | None = None) -> dict:
    return {
        "type": 5,
        "data": {"tag": "sr.error", "payload": {"kind": "error", "message": message, "stack": stack}},
        "timestamp": ts or now_ms(),
    }


# --- a recorder that writes straight to Redis ------------------------------------------------------------


class SimRecorder:
    """Appends batches like the ingest consumer does (stream entry + acked + meta), synchronously."""

    def __init__(self, redis, session_id, tab: str = "tab-1") -> None:
        self.redis = redis
        self.session_id = session_id
        self.tab = tab
        self.seq = 0
        redis.hset(keys.meta(session_id), mapping={"status": "live", "connected": 1})

    def send(self, events: list[dict], **meta: Any) -> str:
        full = any(e.get("type") == 2 for e in events)
        ev = msgpack.packb(events, use_bin_type=True)
        stream_id = self.redis.xadd(
            keys.events(self.session_id),
            {"tab": self.tab, "seq": self.seq, "ts": now_ms(), "ev": ev, "full": "1" if full else "0"},
        ).decode()
        self.redis.hset(keys.acked(self.session_id), self.tab, self.seq)
        fields = {"last_activity": now_ms(), **meta}
        if full:
            fields["snapshot_id"] = stream_id
        for event in events:
            if event.get("type") == 4:
                fields["page_url"] = event["data"]["href"]
                fields["viewport"] = f"{event['data']['width']}x{event['data']['height']}"
        self.redis.hset(keys.meta(self.session_id), mapping=fields)
        self.redis.hincrby(keys.meta(self.session_id), "events", len(events))
        self.redis.hincrby(keys.meta(self.session_id), "batches", 1)
        self.seq += 1
        return stream_id
