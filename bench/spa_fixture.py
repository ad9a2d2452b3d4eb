"""The recorded-SPA bench fixture: save a session's stream, load it, and stretch it to any length.

A fixture is the stream as stored (batches: tab, seq, server ts, events), msgpack + zstd-19. A longer
session is the recording played again and again, each repetition shifted in time by the recording's
length (every repetition starts with the recording's first page load, as a reload would).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgpack
import zstandard

from sessions.archive.chunking import Batch


def save_stream(session_id, path: Path) -> dict:
    """Write the session's stream to `path`; returns what Redis held, per recorded minute."""
    from sessions import keys, store
    from supportreplay.redis_client import get_redis

    client = get_redis()
    key = keys.events(session_id)
    stored = raw = 0
    batches = []
    for _id, fields in client.xrange(key):
        stored += len(fields[b"ev"])
        plain = store.plain_ev(fields[b"ev"])
        raw += len(plain)
        batch = store.decode_entry(_id, fields)
        batches.append([batch.tab, batch.seq, batch.ts, batch.events])
    stamps = [e["timestamp"] for b in batches for e in b[3] if isinstance(e.get("timestamp"), int | float)]
    minutes = (max(stamps) - min(stamps)) / 60_000
    memory = client.memory_usage(key, samples=0) or 0
    blob = zstandard.ZstdCompressor(level=19).compress(msgpack.packb(batches, use_bin_type=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    return {
        "batches": len(batches),
        "events": sum(len(b[3]) for b in batches),
        "recorded_minutes": round(minutes, 2),
        "fixture_bytes": len(blob),
        "redis_stream_memory_kb_per_min": round(memory / 1024 / minutes, 1),
        "stored_ev_kb_per_min": round(stored / 1024 / minutes, 1),
        "uncompressed_ev_kb_per_min": round(raw / 1024 / minutes, 1),
    }


def load(path: Path) -> list[Batch]:
    data = msgpack.unpackb(zstandard.ZstdDecompressor().decompress(path.read_bytes()), raw=False)
    return [Batch(tab, seq, ts, events) for tab, seq, ts, events in data]


def _shift(event, delta: int):
    if isinstance(event, dict) and isinstance(event.get("timestamp"), int | float):
        return {**event, "timestamp": event["timestamp"] + delta}
    return event


def stretched(recording: list[Batch], minutes: float) -> Iterator[Batch]:
    """`minutes` of session made of the recording repeated, timestamps and seqs continued."""
    stamps = [e["timestamp"] for b in recording for e in b.events if isinstance(e, dict) and "timestamp" in e]
    first, span = min(stamps), max(stamps) - min(stamps) + 1000
    seqs: dict[str, int] = {}
    repeat = 0
    while True:
        delta = repeat * span
        for batch in recording:
            ts = [e.get("timestamp", first) for e in batch.events if isinstance(e, dict)]
            if ts and min(ts) + delta - first > minutes * 60_000:
                return
            seq = seqs[batch.tab] = seqs.get(batch.tab, -1) + 1
            yield Batch(batch.tab, seq, batch.ts + delta, [_shift(e, delta) for e in batch.events])
        repeat += 1
