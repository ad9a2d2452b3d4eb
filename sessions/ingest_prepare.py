"""From received bytes to what the append script stores, and where that CPU work runs.

Decoding, validation, redaction and re-encoding of a batch cost time linear in its bytes (about 0.3 µs
per byte). Small frames (most batches: a few KiB) are handled inline; above SUPPORTREPLAY_OFFLOOP_BYTES
the work runs in a pool of SUPPORTREPLAY_VALIDATION_PROCESSES worker processes (0: of
SUPPORTREPLAY_VALIDATION_THREADS threads in daphne itself), so one socket's 1 MiB frame or 16 MiB parts
batch does not hold up the acks of every other socket of the process:

- processes, not threads, because the privacy rules run regular expressions over whole strings, and a
  regex call holds the GIL until it returns (tens of ms on a 512 KB string): in threads, a client sending
  big incompressible strings stalled the event loop that acks everyone else;
- one session has at most one job in the pool at a time (its turn): its ten sockets cannot queue the
  other sessions out, and another customer's snapshot waits for at most one job per other session.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from .assets import Asset
from .assets import extract as extract_assets
from .protocol import (
    BatchStats,
    ClientFrame,
    CloseCode,
    EventsFrame,
    Limits,
    ProtocolError,
    batch_stats,
    decode_batch,
    decode_frame,
)
from .redaction import redact_events
from .store import encode_events


@dataclass(frozen=True)
class PreparedBatch:
    """A validated, redacted batch ready for the append script."""

    seq: int
    ev: bytes  # msgpack of the redacted events
    stats: BatchStats
    assets: list[Asset] = field(default_factory=list)  # captured files, stored apart (sessions/assets.py)


def prepare(frame: EventsFrame, mask_all_text: bool = False, capture_assets: bool = False) -> PreparedBatch:
    events, found = extract_assets(frame["events"], keep=capture_assets)
    events = redact_events(events, mask_all_text=mask_all_text)
    return PreparedBatch(frame["seq"], encode_events(events), batch_stats(events), found)


def decode(
    data: Any, limits: Limits, mask_all_text: bool = False, capture_assets: bool = False
) -> tuple[ClientFrame, PreparedBatch | None]:
    """One frame after hello; an events frame comes back prepared (redacted with the link's options)."""
    frame = decode_frame(data, limits)
    if frame["t"] != "events":
        return frame, None
    prepared = prepare(frame, mask_all_text, capture_assets)
    # The decoded events stay here: the caller needs the frame's type and the prepared batch only (and
    # from a worker process, everything returned is copied back).
    return {"t": "events", "seq": frame["seq"]}, prepared


# How every recorder encodes a part frame: a small map whose first key is "t", valued "part".
_PART_HEAD = b"\xa1t\xa4part"


def looks_like_part(data: bytes | None) -> bool:
    """A part frame only carries bytes to keep: decoding it is a copy, not worth a worker process."""
    return bool(data) and 0x80 <= data[0] <= 0x8F and data[1 : 1 + len(_PART_HEAD)] == _PART_HEAD


def decode_part(data: Any, limits: Limits) -> tuple[ClientFrame, None]:
    """decode() for a frame that looks like a part (run in a thread): anything else it turns out to be
    (a repeated "t" key, say) is refused, so no events frame is ever validated on daphne's GIL."""
    frame = decode_frame(data, limits)
    if frame["t"] != "part":
        raise ProtocolError(CloseCode.MALFORMED, "frame starts as a part but is not one")
    return frame, None


def prepare_parts(
    seq: int, blob: bytes, limits: Limits, mask_all_text: bool = False, capture_assets: bool = False
) -> PreparedBatch:
    return prepare(decode_batch(seq, blob, limits), mask_all_text, capture_assets)


_processes: ProcessPoolExecutor | None = None
_warm = False  # the worker processes answered once: until then, big batches go to threads
_threads: ThreadPoolExecutor | None = None


def _thread_pool() -> ThreadPoolExecutor:
    global _threads
    if _threads is None:
        _threads = ThreadPoolExecutor(
            max_workers=max(1, settings.SUPPORTREPLAY_VALIDATION_THREADS), thread_name_prefix="sr-ingest"
        )
    return _threads


def _exit_with(parent: int) -> None:
    """Worker initializer: exit once daphne is gone. A SIGKILLed daphne (a crash, the out-of-memory
    killer) runs no clean-up, and a worker blocked on its task queue would never notice on its own."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="sr-parent-watch", daemon=True).start()


def _ready() -> bool:
    return True  # unpickling this function in a worker imports this module and its imports


def _warmed(future) -> None:
    global _warm
    if not future.cancelled() and future.exception() is None:
        _warm = True


def warm_up() -> None:
    """Start the worker processes (at this daphne's first ingest socket). A worker takes a second or
    more to start (it imports this module); until they answer, big batches are prepared in threads
    instead, so no customer ever waits for a worker to start. Idempotent."""
    global _processes
    if _processes is None and settings.SUPPORTREPLAY_VALIDATION_PROCESSES > 0:
        # spawn, not fork: daphne has threads (a fork could copy a lock another thread holds). The
        # workers need no Django set-up: everything they run is pure (this module's functions). Like
        # any spawn pool, it needs an import-safe main module (daphne's and pytest's scripts are).
        _processes = ProcessPoolExecutor(
            max_workers=settings.SUPPORTREPLAY_VALIDATION_PROCESSES,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with,
            initargs=(os.getpid(),),
        )
        for _ in range(settings.SUPPORTREPLAY_VALIDATION_PROCESSES):
            _processes.submit(_ready).add_done_callback(_warmed)


def _pool() -> Executor:
    return _processes if _warm and _processes is not None else _thread_pool()


async def _in_pool(fn, *args):
    global _processes, _warm
    pool = _thread_pool() if fn is decode_part else _pool()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): this frame fails (1011, the client resends); threads
        # take over while a new pool starts.
        if _processes is pool:
            _processes, _warm = None, False
            warm_up()
        raise


_turns: dict[Any, tuple[asyncio.Lock, list[int]]] = {}  # owner -> (its turn, [jobs waiting or running])


async def run(size: int, fn, *args, owner: Any = None):
    """fn(*args) inline when `size` is small, else in the validation pool, in `owner`'s turn.

    Each `owner` (a session) has at most one job in the pool at a time: its other sockets' big frames wait
    for its own turn, not in the pool's queue. So a credential whose ten sockets send 1 MiB frames holds
    one worker, and another customer's snapshot waits for at most one job per other session, never
    behind a queue one client filled."""
    if size <= settings.SUPPORTREPLAY_OFFLOOP_BYTES:
        return fn(*args)
    if owner is None:
        return await _in_pool(fn, *args)
    turn, users = _turns.setdefault(owner, (asyncio.Lock(), [0]))
    users[0] += 1
    try:
        async with turn:
            return await _in_pool(fn, *args)
    finally:
        users[0] -= 1
        if not users[0]:
            del _turns[owner]
