"""From received bytes to what the append script stores, and where that CPU work runs.

Decoding, validation, redaction and re-encoding of a batch cost time linear in its bytes. Small frames
(most batches: a few KiB) are handled inline; above SUPPORTREPLAY_OFFLOOP_BYTES the work runs in a small
process-wide thread pool (SUPPORTREPLAY_VALIDATION_THREADS), so one socket's 1 MiB frame or 16 MiB parts
batch does not hold up the acks of every other socket of the process. msgpack's hooks hand the GIL back
while a big batch decodes, and at most that many big batches decode at once per process.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from .assets import Asset
from .assets import extract as extract_assets
from .protocol import BatchStats, ClientFrame, EventsFrame, Limits, batch_stats, decode_batch, decode_frame
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
    return frame, (prepare(frame, mask_all_text, capture_assets) if frame["t"] == "events" else None)


def prepare_parts(
    seq: int, blob: bytes, limits: Limits, mask_all_text: bool = False, capture_assets: bool = False
) -> PreparedBatch:
    return prepare(decode_batch(seq, blob, limits), mask_all_text, capture_assets)


_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=max(1, settings.SUPPORTREPLAY_VALIDATION_THREADS), thread_name_prefix="sr-ingest"
        )
    return _executor


async def run(size: int, fn, *args):
    """fn(*args) inline when `size` is small, else in the validation thread pool."""
    if size <= settings.SUPPORTREPLAY_OFFLOOP_BYTES:
        return fn(*args)
    return await asyncio.get_running_loop().run_in_executor(_pool(), fn, *args)
