"""Every Redis key of a session, built here and nowhere else.

The `{id}` hash tag keeps all keys of one session in one Redis Cluster slot, so the Lua append touches
one slot only.
"""

from uuid import UUID


def _tag(session_id: UUID | str) -> str:
    return f"sr:{{{session_id}}}"


def events(session_id: UUID | str) -> str:
    """Stream: one entry per stored batch, fields tab, seq, ts, ev (msgpack list of events, zstd-compressed
    when large: store.encode_events / store.plain_ev), full."""
    return f"{_tag(session_id)}:events"


def acked(session_id: UUID | str) -> str:
    """Hash: tab id -> highest seq stored."""
    return f"{_tag(session_id)}:acked"


def meta(session_id: UUID | str) -> str:
    """Hash: status, last_activity, bytes, events, errors, failed_requests, snapshot_id, page_url, ..."""
    return f"{_tag(session_id)}:meta"


def sockets(session_id: UUID | str) -> str:
    """Sorted set: open ingest sockets (channel name -> last heartbeat ms), for the per-session cap."""
    return f"{_tag(session_id)}:sockets"


def assets(session_id: UUID | str) -> str:
    """Hash: sha256 hex -> stored asset (sessions/assets.py), each captured file once per session."""
    return f"{_tag(session_id)}:assets"


def archive_lock(session_id: UUID | str) -> str:
    return f"{_tag(session_id)}:archive-lock"


def all_keys(session_id: UUID | str) -> list[str]:
    return [events(session_id), acked(session_id), meta(session_id), sockets(session_id), assets(session_id)]


def control_group(session_id: UUID | str) -> str:
    """Channel-layer group of a session's ingest sockets (control messages only, never events)."""
    return f"sr.session.{session_id}"


def agent_group(user_id: int | str) -> str:
    """Channel-layer group of one agent's watch sockets (access re-checks when they lose access)."""
    return f"sr.agent.{user_id}"
