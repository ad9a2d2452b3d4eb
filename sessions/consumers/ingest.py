"""The customer's ingest socket (`/ws/ingest/`): msgpack frames in, acks out, batches into Redis.

Thin: parsing and validation live in protocol.py, redaction in redaction.py, the atomic append in
store.py, the session checks in services.py. This class only sequences them and maps every refusal to
its close code (docs/PROTOCOL.md). Events never travel through the channel layer; the group of the
session only carries control messages (stop, snapshot).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from uuid import UUID

from channels.db import database_sync_to_async
from django.conf import settings
from redis.exceptions import RedisError

from supportreplay import metrics
from supportreplay.clientip import scope_client_ip

from .. import assets, credentials, device_binding, ingest_prepare, keys, services
from ..backlog import Backlog
from ..ingest_prepare import PreparedBatch
from ..models import EndReason
from ..parts import PartAssembler
from ..protocol import (
    AckFrame,
    ByeFrame,
    CloseCode,
    CommandFrame,
    HelloFrame,
    Limits,
    PartFrame,
    ProtocolError,
    ReadyFrame,
    decode_hello,
    encode,
)
from ..ratelimit import ConnectionLimiter, part_budget, pending_hellos, process_sockets
from ..store import QuotaReached, TooManySockets, async_store
from .ordered import OrderedFramesConsumer

log = logging.getLogger(__name__)


class ServerTrouble(Exception):
    """Raised out of the consumer so that daphne closes the socket with 1011 (see `_close`)."""


def _header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


def limits_from_settings() -> Limits:
    return Limits(
        max_frame_bytes=settings.SUPPORTREPLAY_MAX_FRAME_BYTES,
        max_events=settings.SUPPORTREPLAY_MAX_EVENTS_PER_BATCH,
        max_depth=settings.SUPPORTREPLAY_MAX_EVENT_DEPTH,
        max_parts=settings.SUPPORTREPLAY_MAX_PARTS,
        max_hello_bytes=settings.SUPPORTREPLAY_HELLO_MAX_BYTES,
        min_bytes_per_value=settings.SUPPORTREPLAY_MIN_BYTES_PER_VALUE,
        max_parts_bytes=settings.SUPPORTREPLAY_PARTS_MAX_BYTES,
        max_clock_ahead_ms=settings.SUPPORTREPLAY_MAX_CLOCK_AHEAD_HOURS * 3600 * 1000,
    )


class IngestConsumer(OrderedFramesConsumer):
    session_id: UUID | None = None
    tab = ""
    counted = False  # this socket is counted in meta `connected` and the session's socket set
    slot: UUID | None = None  # the session of which this socket holds a place in this process
    close_sent = False
    pending_from: str | None = None  # the client address whose pending-hello place this socket holds

    async def connect(self) -> None:
        # The first ingest socket of this daphne starts the validation workers (until they answer, big
        # batches go to threads): a daphne that never records pays nothing for them.
        ingest_prepare.warm_up()
        self.origin = _header(self.scope, b"origin")
        host = _header(self.scope, b"host")
        scheme = self.scope.get("scheme", "ws")
        # Only an origin that is neither configured nor this site's needs the database (a connection
        # storm from a known origin costs no thread hop per socket).
        allowed = services.origin_known(self.origin, host, scheme) or await database_sync_to_async(
            services.origin_may_connect
        )(self.origin, host, scheme)
        if not allowed:
            # Before accept: daphne answers the handshake with HTTP 403 (a browser reports close 1006).
            await self.close(code=int(CloseCode.ORIGIN_NOT_ALLOWED))
            return
        self.limits = limits_from_settings()
        self.mask_all_text = False
        self.capture_assets = False
        self.limiter = ConnectionLimiter.from_settings()
        self.parts = PartAssembler(self.limits, part_budget())
        self.store = async_store()
        self.tasks: list[asyncio.Task] = []
        # From here every frame is charged to the rate limits as it arrives and held, bounded, until
        # handled in order (ordered.py): nothing piles up unbounded inside daphne.
        self.start_frames(Backlog.from_settings())
        await self.accept()
        address = scope_client_ip(self.scope) or ""
        if not pending_hellos().take(address):
            # After accept, so a client sees 4429 (retry later), not a refused handshake.
            await self._close(CloseCode.RATE_LIMITED)
            return
        self.pending_from = address
        self.tasks.append(asyncio.create_task(self._hello_deadline()))

    async def disconnect(self, code: int) -> None:
        self._hello_settled()
        for task in getattr(self, "tasks", ()):
            task.cancel()
        if hasattr(self, "parts"):
            self.parts.discard()  # give its bytes back to the process budget
        if self.slot is not None:
            process_sockets().release(self.slot)
            self.slot = None
        if self.session_id is None:
            return
        with contextlib.suppress(Exception):
            await self.channel_layer.group_discard(keys.control_group(self.session_id), self.channel_name)
        if self.counted:
            self.counted = False
            try:
                await self.store.close_connection(self.session_id, self.channel_name)
            except (RedisError, OSError):
                # The heartbeat goes stale instead; the idle sweep treats this socket as gone.
                log.warning("could not count down connection of session %s", self.session_id)

    def admit_frame(self, message: dict, size: int) -> int | None:
        """On arrival, before the frame is read: the socket's rate (bytes and frames) and, once the hello
        named it, the session's byte rate. Cheap (its length only), so a flood is refused as it comes."""
        now = time.monotonic()
        if not self.limiter.allow(size, now):
            return int(CloseCode.RATE_LIMITED)
        if self.session_id is not None:
            message["session_charged"] = True
            if not process_sockets().allow_bytes(self.session_id, size, now):
                return int(CloseCode.RATE_LIMITED)
        return None

    async def refuse(self, code: int) -> None:
        log.debug("ingest socket refused a frame on arrival with %s", code)
        await self._close(CloseCode(code))

    async def handle_frame(self, message: dict) -> None:
        """One frame, in arrival order (ordered.py's worker); its rate was charged when it arrived."""
        if self.closing:
            return
        bytes_data = message.get("bytes")
        text_data = message.get("text")
        size = len(bytes_data) if bytes_data is not None else len(text_data or "")
        try:
            if self.session_id is None:
                # Authentication before work: nothing but a small hello is decoded (decode_hello).
                try:
                    await self._hello(decode_hello(bytes_data, self.limits))
                finally:
                    self._hello_settled()
                return
            # A frame that arrived while the hello was being checked is charged to the session now.
            charged = message.get("session_charged", False)
            if not charged and not process_sockets().allow_bytes(self.session_id, size, time.monotonic()):
                raise ProtocolError(CloseCode.RATE_LIMITED, "session rate limit")
            # Refused by its type or length alone, before any worker is asked to read it.
            if bytes_data is None:
                raise ProtocolError(CloseCode.MALFORMED, "frames are binary msgpack")
            if size > self.limits.max_frame_bytes:
                raise ProtocolError(CloseCode.FRAME_TOO_LARGE, "frame too large")
            if ingest_prepare.looks_like_part(bytes_data):
                frame, prepared = await ingest_prepare.run(
                    size, ingest_prepare.decode_part, bytes_data, self.limits, owner=self.session_id
                )
            else:
                frame, prepared = await ingest_prepare.run(
                    size,
                    ingest_prepare.decode,
                    bytes_data,
                    self.limits,
                    self.mask_all_text,
                    self.capture_assets,
                    owner=self.session_id,
                )
            if frame["t"] == "events":
                if self.parts.pending:
                    raise ProtocolError(CloseCode.MALFORMED, "events while parts are incomplete")
                await self._store(prepared)
            elif frame["t"] == "part":
                await self._part(frame)
            elif frame["t"] == "bye":
                await self._bye(frame)
            else:
                raise ProtocolError(CloseCode.MALFORMED, "hello sent twice")
        except ProtocolError as exc:
            log.debug("ingest socket closed with %s: %s", int(exc.code), exc.reason)
            if exc.code in (CloseCode.SESSION_ENDED, CloseCode.QUOTA_EXCEEDED):
                self._refuse_from_now_on(exc.code)
            await self._close(exc.code)
        except TooManySockets:
            await self._close(CloseCode.RATE_LIMITED)
        except QuotaReached:
            self._refuse_from_now_on(CloseCode.QUOTA_EXCEEDED)
            await self._close(CloseCode.QUOTA_EXCEEDED)
        except (RedisError, OSError):
            log.warning("Redis unavailable for ingest of session %s", self.session_id, exc_info=True)
            await self._close(CloseCode.SERVER_ERROR)
        except Exception:
            log.exception("ingest frame failed for session %s", self.session_id)
            await self._close(CloseCode.SERVER_ERROR)

    # --- frames --------------------------------------------------------------------------------------

    async def _hello(self, frame: HelloFrame) -> None:
        try:
            session_id = credentials.verify(frame["cred"])
        except credentials.BadCredential:
            raise ProtocolError(CloseCode.BAD_CREDENTIAL, "bad credential") from None
        # Ended and over-quota sessions stay so: their reconnects are refused from memory, no I/O.
        if refusal := process_sockets().refusal(session_id):
            raise ProtocolError(CloseCode(refusal), "session refuses every socket")
        # Per process first, O(1) and before any I/O: a storm of hellos on one credential costs no
        # Redis or database round trip beyond the session's socket cap.
        if not process_sockets().take(session_id):
            raise ProtocolError(CloseCode.RATE_LIMITED, "too many sockets for this session")
        self.slot = session_id
        # A session whose sockets spent their byte budget is not let in to spend more (reconnect later).
        if not process_sockets().has_budget(session_id, self.limits.max_frame_bytes, time.monotonic()):
            raise ProtocolError(CloseCode.RATE_LIMITED, "session rate limit")
        # Join the control group before reading the session's state: an end that commits after the
        # read below still reaches this socket as a session.stop message.
        await self.channel_layer.group_add(keys.control_group(session_id), self.channel_name)
        self.session_id = session_id
        session = await database_sync_to_async(services.ingest_session)(session_id)
        if session is None:
            raise ProtocolError(CloseCode.BAD_CREDENTIAL, "unknown session")
        if not services.origin_may_write(self.origin, session):
            raise ProtocolError(CloseCode.ORIGIN_NOT_ALLOWED, "origin is not the link's target")
        if session.live and (session.overlong or session.link_revoked):
            reason = EndReason.MAX_DURATION if session.overlong else EndReason.REVOKED
            await database_sync_to_async(services.end_session)(session_id, reason)
            raise ProtocolError(CloseCode.SESSION_ENDED, "session ended")
        if not session.live:
            raise ProtocolError(CloseCode.SESSION_ENDED, "session ended")
        if not await database_sync_to_async(device_binding.admit)(session_id, frame["cred"], frame["dev"]):
            raise ProtocolError(CloseCode.NOT_THIS_BROWSER, "credential belongs to another browser")
        acked = await self.store.open_connection(
            session_id,
            frame["tab"],
            socket_id=self.channel_name,
            max_sockets=settings.SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION,
            stale_ms=services.HEARTBEAT_STALE_SECONDS * 1000,
            quota=settings.SUPPORTREPLAY_SESSION_MAX_BYTES,
        )
        if acked is None:
            raise ProtocolError(CloseCode.SESSION_ENDED, "session ended")
        self.counted = True
        self.tab = frame["tab"]
        # The link's "mask all text" is enforced again here, whatever the recorder did.
        self.mask_all_text = bool(session.options["mask_all_text"])
        self.capture_assets = bool(session.options["assets"])
        for task in self.tasks:
            task.cancel()
        self.tasks = [asyncio.create_task(self._heartbeat())]
        await self._send(ReadyFrame(t="ready", acked=acked, options=session.options))

    async def _part(self, frame: PartFrame) -> None:
        was_pending = self.parts.pending
        whole = self.parts.add(frame, time.monotonic())
        if whole is None:
            if not was_pending:
                self.tasks = [t for t in self.tasks if not t.done()]
                self.tasks.append(asyncio.create_task(self._parts_deadline(self.parts.started)))
            return
        seq, blob = whole
        prepared = await ingest_prepare.run(
            len(blob),
            ingest_prepare.prepare_parts,
            seq,
            blob,
            self.limits,
            self.mask_all_text,
            self.capture_assets,
            owner=self.session_id,
        )
        await self._store(prepared)

    async def _store(self, batch: PreparedBatch) -> None:
        started = time.perf_counter()
        result = await self.store.append(
            self.session_id,
            self.tab,
            batch.seq,
            batch.ev,
            batch.stats,
            quota=settings.SUPPORTREPLAY_SESSION_MAX_BYTES,
        )
        if result.result == "ended":
            raise ProtocolError(CloseCode.SESSION_ENDED, "session ended")
        if result.result == "quota":
            raise ProtocolError(CloseCode.QUOTA_EXCEEDED, "session reached its size limit")
        if result.result == "gap":
            log.info("session %s tab %s: seq gap before %s", self.session_id, self.tab, batch.seq)
        if result.stored or result.result == "dup":
            # After the append (never for an ended session, whose keys the archive deletes); a resent
            # batch stores its files again in case the first try failed (once per hash either way).
            await assets.store_all(self.store.client, self.session_id, batch.assets)
        # Ack only now: the batch (or its earlier copy, for a duplicate) is in Redis.
        await self._send(AckFrame(t="ack", seq=batch.seq))
        metrics.observe_ack(time.perf_counter() - started, batch.stats.events)

    async def _bye(self, frame: ByeFrame) -> None:
        self.closing = True
        if frame["reason"] == "stop":
            # Leave the group first: this socket closes normally instead of answering its own stop.
            await self.channel_layer.group_discard(keys.control_group(self.session_id), self.channel_name)
            await database_sync_to_async(services.end_session)(self.session_id, EndReason.STOP)
        self.close_sent = True
        await self.close(code=int(CloseCode.NORMAL))

    # --- control messages from the channel layer -----------------------------------------------------

    async def session_stop(self, message: dict) -> None:
        if self.closing:
            return
        self.closing = True  # frames still queued or arriving are dropped unread
        self.backlog.drop()
        self._refuse_from_now_on(CloseCode.SESSION_ENDED)
        # After the frame being handled, if any (its ack goes out before the stop, as before).
        async with self.turn:
            await self._send(CommandFrame(t="stop"))
            await self._close(CloseCode.SESSION_ENDED)

    async def session_snapshot(self, message: dict) -> None:
        if not self.closing and self.counted:
            await self._send(CommandFrame(t="snapshot"))

    # --- helpers -------------------------------------------------------------------------------------

    async def _send(self, frame: ReadyFrame | AckFrame | CommandFrame) -> None:
        try:
            await self.send(bytes_data=encode(frame))
        except Exception:
            # The client went away while we worked (daphne raises on a send to a closed socket). What it
            # sent is stored; an unsent ack only makes it resend, which is acked again and stored once.
            # Frames already received (a `bye stop` right behind the batch, say) are still acted on.
            log.debug("ingest socket of session %s closed before the answer", self.session_id)

    async def _close(self, code: CloseCode) -> None:
        self.closing = True
        if self.close_sent:
            return  # the first close code stands (an arrival refusal, a deadline, a stop)
        self.close_sent = True
        try:
            await self.close(code=int(code))
        except Exception:
            if code != CloseCode.SERVER_ERROR:
                raise
            # Autobahn refuses to *send* 1011 from the application ("must be 1000 or 3000-4999"), but
            # daphne answers an exception inside the application with a 1011 close frame: use that path.
            raise ServerTrouble("closing ingest socket with 1011") from None

    def _hello_settled(self) -> None:
        if self.pending_from is not None:
            pending_hellos().release(self.pending_from)
            self.pending_from = None

    def _refuse_from_now_on(self, code: CloseCode) -> None:
        if self.session_id is not None:
            process_sockets().refuse_from_now_on(self.session_id, int(code))

    async def _hello_deadline(self) -> None:
        await asyncio.sleep(settings.SUPPORTREPLAY_HELLO_TIMEOUT_SECONDS)
        if self.session_id is None and not self.closing:
            await self._close(CloseCode.BAD_CREDENTIAL)

    async def _parts_deadline(self, started: float) -> None:
        """Unfinished parts are held SUPPORTREPLAY_PARTS_MAX_AGE_SECONDS at most (4408: resend them)."""
        await asyncio.sleep(settings.SUPPORTREPLAY_PARTS_MAX_AGE_SECONDS)
        if self.parts.pending and self.parts.started == started and not self.closing:
            self.parts.discard()
            await self._close(CloseCode.PARTS_TIMEOUT)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(services.HEARTBEAT_SECONDS)
            try:
                await self.store.heartbeat(self.session_id, self.channel_name)
            except (RedisError, OSError):
                log.warning("heartbeat of session %s failed", self.session_id)
