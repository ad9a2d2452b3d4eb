"""Webhook bodies: the generic JSON document and its Slack-compatible rendering. Pure.

Only facts an agent sees in the sessions list go out: ids, state, times, counts, the ticket reference, the
agent's username and links back to SupportReplay. Never a token, a credential, recorded content, the
customer's email or the pages they visited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TITLES = {
    "session_started": "Session started",
    "session_ended": "Session ended",
    "session_archived": "Replay ready",
    "link_accepted": "Customer started sharing",
    "link_declined": "Customer declined to share",
}


def generic(event: str, delivery_id: str, occurred_at: str, facts: Mapping[str, Any]) -> dict[str, Any]:
    return {"event": event, "delivery": delivery_id, "occurred_at": occurred_at, **facts}


def slack_text(text: str) -> str:
    """Slack mrkdwn control characters in our text become entities (Slack's own escaping rules)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(event: str, facts: Mapping[str, Any]) -> dict[str, Any]:
    link = facts.get("link") or {}
    session = facts.get("session") or {}
    parts = [f"*{TITLES.get(event, event)}*"]
    if link.get("ticket"):
        parts.append(f"ticket {slack_text(link['ticket'])}")
    if link.get("agent"):
        parts.append(f"link by {slack_text(link['agent'])}")
    if session.get("end_reason"):
        parts.append(slack_text(session["end_reason"]))
    if event in ("session_ended", "session_archived"):
        parts.append(
            f"{session.get('errors', 0)} errors, {session.get('failed_requests', 0)} failed requests"
        )
    url = session.get("replay_url") if event != "session_started" else session.get("live_url")
    if event == "link_accepted":
        url = session.get("live_url")
    text = " · ".join(parts)
    if url:
        text += f" · <{url}|{'Watch live' if url == session.get('live_url') else 'Open replay'}>"
    return {"text": text}


def render(
    fmt: str, event: str, delivery_id: str, occurred_at: str, facts: Mapping[str, Any]
) -> dict[str, Any]:
    return slack(event, facts) if fmt == "slack" else generic(event, delivery_id, occurred_at, facts)
