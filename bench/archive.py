"""Archive benchmark: stored bytes per minute vs gzip(JSON), archive time, replay first frame and seek.

    .venv/bin/python bench/archive.py [--minutes 60 180] [--no-browser]

Synthetic sessions from bench/_archive_events.py. The archive time is the archive verb's work without its
two database writes: paged XRANGE read from a real Redis, chunking, encoding, writing to filesystem storage,
reading back, decoding and comparing every batch. Replay is measured in headless Chromium with rrweb's
Replayer on a bench page that loads the way the replay page does: manifest, then the one chunk needed.
Uses Redis DB 7 by default (BENCH_REDIS_URL) and deletes only its own keys.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportreplay.settings")
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="sr-bench-media-")

import django  # noqa: E402

django.setup()

import msgpack  # noqa: E402
import zstandard  # noqa: E402
from _archive_events import session_batches  # noqa: E402

from sessions import keys  # noqa: E402
from sessions.archive import chunking, container, format, service, stream, writer  # noqa: E402
from supportreplay.redis_client import get_redis  # noqa: E402


def sizes(batches: list[chunking.Batch], minutes: int) -> dict:
    events = [e for b in batches for e in b.events]
    as_json = json.dumps(events, separators=(",", ":")).encode()
    gz = gzip.compress(as_json, 6)
    chunks = chunking.split(batches)
    out = {
        "events": len(events),
        "json_kb_min": len(as_json) / 1024 / minutes,
        "gzip_kb_min": len(gz) / 1024 / minutes,
    }
    plain = sum(
        len(zstandard.ZstdCompressor(level=9).compress(msgpack.packb([list(r) for r in c.records])))
        for c in chunks
    )
    out["plain_msgpack_zstd9_kb_min"] = plain / 1024 / minutes
    for level in (3, 6, 9, 12):
        started = time.perf_counter()
        blob, _ = container.build(chunks, level)
        out[f"ours_zstd{level}"] = (
            len(blob) / 1024 / minutes,
            len(blob) / len(gz),
            time.perf_counter() - started,
        )
    return out


def archive_time(batches: list[chunking.Batch]) -> tuple[float, bytes, list[format.ChunkEntry]]:
    client = get_redis()
    sid = str(uuid.uuid4())
    pipe = client.pipeline(transaction=False)
    for b in batches:
        pipe.xadd(
            keys.events(sid),
            {"tab": b.tab, "seq": b.seq, "ts": b.ts, "ev": msgpack.packb(b.events), "full": 0},
        )
    pipe.execute()
    try:
        started = time.perf_counter()
        name = writer.object_name(sid, _dt())
        with tempfile.TemporaryFile() as local:
            built = service.build(stream.iter_batches(sid), local)
            local.seek(0)
            writer.write(name, local)
            local.seek(0)
            blob = local.read()
        service.check_readback(name, built)
        elapsed = time.perf_counter() - started
        writer.delete(name)
    finally:
        stream.delete_keys(sid)
    return elapsed, blob, built.entries


def _dt():
    from datetime import UTC, datetime

    return datetime(2026, 11, 22, tzinfo=UTC)


PAGE = """<!doctype html><html><head><link rel="stylesheet" href="/rrweb.css">
<script src="/rrweb.js"></script></head><body><div id="root"></div><script>
window.manifest = null;
async function frame(replayer) {
  for (;;) {
    const doc = replayer.iframe.contentDocument;
    if (doc && doc.body && doc.body.childElementCount > 0) return;
    await new Promise(r => requestAnimationFrame(r));
  }
}
async function show(offset) {
  const m = window.manifest;
  const target = m.start_ts + offset;
  let chunk = m.chunks[0];
  for (const c of m.chunks) if (c.start_ts <= target) chunk = c;
  const events = await (await fetch('/chunks/' + chunk.index)).json();
  const root = document.getElementById('root');
  root.innerHTML = '';
  const replayer = new rrweb.Replayer(events, {root, mouseTail: false});
  replayer.pause(Math.max(0, target - events[0].timestamp));
  await frame(replayer);
}
window.firstFrame = async function () {
  const t0 = performance.now();
  window.manifest = await (await fetch('/manifest.json')).json();
  await show(0);
  return performance.now() - t0;
};
window.seek = async function (offset) {
  const t0 = performance.now();
  await show(offset);
  return performance.now() - t0;
};
</script></body></html>"""


def serve(blob: bytes, entries: list[format.ChunkEntry]) -> http.server.ThreadingHTTPServer:
    dist = ROOT / "node_modules" / "rrweb" / "dist"
    manifest = {
        "start_ts": min(e.start_ts for e in entries),
        "chunks": [{"index": e.index, "start_ts": e.start_ts, "end_ts": e.end_ts} for e in entries],
    }
    decoder = container.ChunkDecoder(container.head_bytes(blob, entries[0]), entries[0])

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/":
                body, kind = PAGE.encode(), "text/html"
            elif self.path == "/rrweb.js":
                body, kind = (dist / "rrweb.umd.cjs").read_bytes(), "application/javascript"
            elif self.path == "/rrweb.css":
                body, kind = (dist / "style.css").read_bytes(), "text/css"
            elif self.path == "/manifest.json":
                body, kind = json.dumps(manifest).encode(), "application/json"
            elif self.path.startswith("/chunks/"):  # what the data API does: decode one chunk, replay events
                entry = entries[int(self.path.rsplit("/", 1)[1])]
                records = decoder.decode(container.chunk_bytes(blob, entry), entry)
                events = chunking.replay_events(records, entry.tab, entry.lead_meta)
                body, kind = json.dumps(events, separators=(",", ":")).encode(), "application/json"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def replay_times(blob: bytes, entries: list[format.ChunkEntry], minutes: int) -> dict:
    from tests.helpers.browser import make_driver

    server = serve(blob, entries)
    driver = make_driver()
    try:
        driver.set_script_timeout(30)
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/")
        run = "const done = arguments[arguments.length - 1]; {}.then(done, e => done(String(e)));"
        first = [driver.execute_async_script(run.format("window.firstFrame()")) for _ in range(3)]
        span = minutes * 60_000
        points = [int(span * f) for f in (0.95, 0.5, 0.17, 0.73, 0.33, 0.88)]
        seeks = [driver.execute_async_script(run.format(f"window.seek({p})")) for p in points]
    finally:
        driver.quit()
        server.shutdown()
    return {
        "first_frame_ms": statistics.median(first),
        "seek_ms_median": statistics.median(seeks),
        "seek_ms_max": max(seeks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, nargs="+", default=[60, 180])
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    for minutes in args.minutes:
        batches = [chunking.Batch("tab-1", n, 0, events) for n, events in enumerate(session_batches(minutes))]
        result = sizes(batches, minutes)
        elapsed, blob, entries = archive_time(batches)
        result.update(archive_s=elapsed, stored_kb_min=len(blob) / 1024 / minutes, chunks=len(entries))
        if not args.no_browser:
            result.update(replay_times(blob, entries, minutes))
        print(f"--- {minutes} min session")
        for key, value in result.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
