"""Frames to a watcher: split big ones under the websocket cap, and decide when a stored snapshot will do.

A full snapshot the ingest accepted can be far larger than one websocket message (ingest takes up to
`SUPPORTREPLAY_MAX_PARTS` parts of `SUPPORTREPLAY_MAX_FRAME_BYTES`), while daphne caps a message at twice
the frame limit. So a packed watch frame larger than the frame limit is sent as consecutive
`{"t": "part", "i": i, "n": n, "data": bytes}` frames that the page joins and decodes as one frame
(static/player/src/parts.js), the same way the recorder splits a big batch for ingest. Parts of one
frame are never interleaved with other frames: one task sends them back to back.

A joining agent reuses the newest stored full snapshot when it is younger than
`SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS` (default 60) instead of asking the customer's browser for a
new one; the catch-up replays the events since. Each join used to cost the customer a fresh snapshot
(several MB on a big page).
"""

from __future__ import annotations

import msgpack
from django.conf import settings

from . import conf

# Room for the part frame's own keys and msgpack headers around the data.
PART_OVERHEAD = 64


def frame_limit() -> int:
    return int(settings.SUPPORTREPLAY_MAX_FRAME_BYTES)


def reuse_seconds() -> float:
    return float(conf.get("SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS"))


def split(packed: bytes, limit: int) -> list[bytes]:
    """One packed frame -> the websocket messages to send (itself, or `part` frames of at most `limit`)."""
    if len(packed) <= limit:
        return [packed]
    size = limit - PART_OVERHEAD
    if size <= 0:
        raise ValueError(f"frame limit {limit} leaves no room for data")
    chunks = [packed[i : i + size] for i in range(0, len(packed), size)]
    return [
        msgpack.packb({"t": "part", "i": i, "n": len(chunks), "data": chunk}, use_bin_type=True)
        for i, chunk in enumerate(chunks)
    ]


def stream_id_ms(stream_id: str) -> int | None:
    """The millisecond time a Redis stream id starts with ("1733068800000-3" -> 1733068800000)."""
    head = stream_id.partition("-")[0]
    return int(head) if head.isdigit() else None


def snapshot_is_recent(snapshot_id: str, now_ms: int, max_age_s: float) -> bool:
    """Whether the newest stored full snapshot (its stream id) is young enough for a joining watcher."""
    taken = stream_id_ms(snapshot_id or "")
    return taken is not None and max_age_s > 0 and 0 <= now_ms - taken <= max_age_s * 1000
