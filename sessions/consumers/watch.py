"""WatchConsumer: an agent's live view of one session (`/ws/watch/<uuid>/`).

Frames to the browser are binary msgpack maps (the stored `ev` bytes are forwarded untouched, so the
server never decodes events; the page decodes `ev` as a second msgpack document):

  {"t": "hello", "session": str, "state": str, "meta": {...}, "now": ms}
  {"t": "reset", "reason": "join" | "resync", "now": ms}     a catch-up follows: rebuild the player
  {"t": "batch", "id": stream id, "tab": str, "seq": int, "ts": server arrival ms, "full": bool,
   "ev": bytes, "now": server send ms}                       catch-up and tail entries alike
  {"t": "live", "now": ms}                                   catch-up done; what follows is the tail
  {"t": "status", "meta": {...}, "now": ms}                  counters / connection changed
  {"t": "ended", "state": str, "reason": str, "replay_url": str}   then a normal close
  {"t": "part", "i": int, "n": int, "data": bytes}            one of n pieces of a frame over the
                                                             frame limit (watch_frames.split)

"N ms behind" on the page = (now - last event timestamp in the batch) + the page's own receive delay;
`ts` lets it separate the recorder->server part from the server->agent part.

From the browser (text JSON): {"t": "ack", "id": stream id} after a batch is applied. Unacknowledged
batches are the backpressure signal (see stream_tail.Pending).

Close codes: 4401 not logged in, 4403 no watch permission, 4404 unknown session. Both 4401 and 4403 also
end an open socket whose agent lost access (logout, deactivated, deleted, removed from the group): see
sessions/agent_access.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from uuid import UUID

import msgpack
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.urls import reverse

from supportreplay.audit import record
from supportreplay.clientip import scope_client_ip
from supportreplay.redis_client import new_async_redis

from .. import agent_access, conf, keys, stream_tail, watch_frames
from ..models import RecordingSession, SessionState
from .base import NoDbCleanupWebsocketConsumer

log = logging.getLogger(__name__)

BLOCK_MS = 1000
STATUS_EVERY_S = 1.0
# The meta hash's `status` turns "ended" the moment end_session runs (read every second); the database
# is the backstop for keys already archived away, so it is asked rarely.
DB_CHECK_EVERY_S = 10.0


def _now_ms() -> int:
    return int(time.time() * 1000)


def _limits() -> tuple[int, int]:
    return (
        conf.get("SUPPORTREPLAY_WATCH_MAX_PENDING_BATCHES"),
        conf.get("SUPPORTREPLAY_WATCH_MAX_PENDING_BYTES"),
    )


@database_sync_to_async
def _session_state(session_id: UUID) -> tuple[str, str] | None:
    row = RecordingSession.objects.filter(pk=session_id).values_list("state", "end_reason").first()
    return (row[0], row[1]) if row else None


_watch_access = database_sync_to_async(agent_access.watch_access)


@database_sync_to_async
def _audit_watch(user, session_id: UUID, ip: str | None) -> None:
    record(user, "session.watch", RecordingSession.objects.get(pk=session_id), ip=ip)


class WatchConsumer(NoDbCleanupWebsocketConsumer):
    # None until the watcher is admitted: a refused page may still send an ack before its close lands.
    pending: stream_tail.Pending | None = None

    async def connect(self) -> None:
        self.task: asyncio.Task | None = None
        self.redis = None
        self.access_group: str | None = None
        self.session_id = UUID(str(self.scope["url_route"]["kwargs"]["session_id"]))
        user = self.scope.get("user")
        # Accept first: a close before accept becomes an HTTP 403 and the page could not tell why.
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        # Join the agent's group before checking access: a revocation from the check on reaches us.
        self.user_id = user.pk
        self.session_key = self.scope["session"].session_key
        if self.channel_layer is not None:
            self.access_group = keys.agent_group(user.pk)
            await self.channel_layer.group_add(self.access_group, self.channel_name)
        if (code := await _watch_access(self.session_key, self.user_id)) is not None:
            await self.close(code=code)
            return
        state = await _session_state(self.session_id)
        if state is None:
            await self.close(code=4404)
            return
        await _audit_watch(user, self.session_id, scope_client_ip(self.scope))
        self.redis = new_async_redis()
        self.pending = stream_tail.Pending(*_limits())
        self.acked = asyncio.Event()
        self.resyncs = 0
        self.task = asyncio.create_task(self._watch(state))

    async def disconnect(self, code: int) -> None:
        await self._stop_task()
        if self.access_group is not None:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(self.access_group, self.channel_name)
        if self.redis is not None:
            await self.redis.aclose()

    async def _stop_task(self) -> None:
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    async def agent_recheck(self, message: dict) -> None:
        """Channel-layer message from agent_access.notify: close if this agent lost access."""
        if message.get("ended") == agent_access.session_digest(self.session_key):
            code = agent_access.NOT_LOGGED_IN  # this very browser session logged out
        else:
            code = await _watch_access(self.session_key, self.user_id)
        if code is not None:
            await self._stop_task()  # not one more event after the revocation
            await self.close(code=code)

    async def _still_allowed(self) -> bool:
        """The periodic backstop of agent_recheck (raw SQL changes, a lost channel-layer message)."""
        code = await _watch_access(self.session_key, self.user_id)
        if code is not None:
            await self.close(code=code)
        return code is None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = json.loads(text_data) if text_data else msgpack.unpackb(bytes_data or b"")
        except ValueError:
            return
        if self.pending is None:
            return
        if isinstance(message, dict) and message.get("t") == "ack" and isinstance(message.get("id"), str):
            self.pending.ack(message["id"])
            self.acked.set()

    async def _send(self, frame: dict) -> None:
        # A frame over the websocket cap (a big full snapshot) goes as consecutive `part` frames.
        for message in watch_frames.split(
            msgpack.packb(frame, use_bin_type=True), watch_frames.frame_limit()
        ):
            await self.send(bytes_data=message)

    async def _watch(self, state: tuple[str, str]) -> None:
        try:
            meta = await stream_tail.read_meta(self.redis, self.session_id)
            await self._send(
                {
                    "t": "hello",
                    "session": str(self.session_id),
                    "state": state[0],
                    "meta": meta,
                    "now": _now_ms(),
                }
            )
            if state[0] != SessionState.LIVE:
                await self._end(state)
                return
            await self._request_snapshot(reuse_recent=True)
            await self._loop(meta)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("watch of session %s failed", self.session_id)
            await self.close(code=1011)

    async def _loop(self, meta: dict) -> None:
        last_id = await self._catch_up("join")
        stalled = False
        next_status = time.monotonic() + STATUS_EVERY_S
        next_db = time.monotonic() + DB_CHECK_EVERY_S
        next_access = time.monotonic() + agent_access.recheck_seconds()
        while True:
            if stalled:
                # The page is far behind: send nothing more until it has applied what it has, then
                # jump to the newest full snapshot instead of replaying the backlog.
                if self.pending.count == 0:
                    self.resyncs += 1
                    # A fresh snapshot keeps the next resync short; this one uses the newest stored.
                    await self._request_snapshot()
                    last_id = await self._catch_up("resync")
                    stalled = False
                else:
                    self.acked.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.acked.wait(), BLOCK_MS / 1000)
            else:
                for entry in await stream_tail.tail(self.redis, self.session_id, last_id, BLOCK_MS):
                    await self._send_entry(entry)
                    last_id = entry.stream_id
                    if self.pending.overloaded:
                        stalled = True
                        break
            now = time.monotonic()
            if now >= next_access:
                next_access = now + agent_access.recheck_seconds()
                if not await self._still_allowed():
                    return
            if now >= next_status:
                next_status = now + STATUS_EVERY_S
                fresh = await stream_tail.read_meta(self.redis, self.session_id)
                if fresh != meta:
                    meta = fresh
                    await self._send({"t": "status", "meta": meta, "now": _now_ms()})
            if now >= next_db or meta.get("status") == "ended":
                next_db = now + DB_CHECK_EVERY_S
                state = await _session_state(self.session_id)
                if state is None or state[0] != SessionState.LIVE:
                    # Forward what the recorder stored before the end, then say so.
                    for entry in await stream_tail.tail(self.redis, self.session_id, last_id, None):
                        await self._send_entry(entry)
                    await self._end(state or (SessionState.ARCHIVED, ""))
                    return

    async def _catch_up(self, reason: str) -> str:
        """Send everything from the newest full snapshot; returns the id the tail continues after."""
        self.pending.clear()
        await self._send({"t": "reset", "reason": reason, "now": _now_ms()})
        last_id = "0-0"
        async for entry in stream_tail.catch_up(self.redis, self.session_id):
            await self._send_entry(entry, count=False)
            last_id = entry.stream_id
        await self._send({"t": "live", "now": _now_ms()})
        return last_id

    async def _send_entry(self, entry: stream_tail.Entry, count: bool = True) -> None:
        await self._send(
            {
                "t": "batch",
                "id": entry.stream_id,
                "tab": entry.tab,
                "seq": entry.seq,
                "ts": entry.ts,
                "full": entry.full,
                "ev": entry.ev,
                "now": _now_ms(),
            }
        )
        if count:
            # Only the tail counts towards backpressure: acks of catch-up ids (older) pop nothing.
            self.pending.sent(entry)

    async def _request_snapshot(self, reuse_recent: bool = False) -> None:
        """Ask the recorder (through whichever daphne holds its ingest socket) for a full snapshot.

        A joining watcher makes do with a stored snapshot younger than the reuse window (watch_frames)."""
        if reuse_recent:
            snapshot_id = await stream_tail.newest_snapshot_id(self.redis, self.session_id)
            if watch_frames.snapshot_is_recent(snapshot_id, _now_ms(), watch_frames.reuse_seconds()):
                return
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            await layer.group_send(keys.control_group(self.session_id), {"type": "session.snapshot"})
        except Exception:
            # Without a fresh snapshot the catch-up from the last stored one still works.
            log.warning("snapshot request for session %s failed", self.session_id, exc_info=True)

    async def _end(self, state: tuple[str, str]) -> None:
        await self._send(
            {
                "t": "ended",
                "state": str(state[0]),
                "reason": str(state[1]),
                "replay_url": reverse("recordings:replay", args=[self.session_id]),
            }
        )
        await self.close(code=1000)
