"""Archive and replay figures of issue 14 on the recorded SPA and on the synthetic session.

    .venv/bin/python bench/spa_replay.py [--minutes 30 180] [--kinds spa synthetic] [--seeks 8]

Sessions: `spa` is the Swagger UI recording (bench/fixtures/swagger-ui.msgpack.zst, made by
bench/spa_record.py) repeated to the length asked; `synthetic` is bench/_archive_events.py. Each is stored
in a private redis-server started for the run (or BENCH_REDIS_URL, never flushed) the way ingest stores
it, then:
- archive: `archive_session` in its own process (what a Celery worker runs): wall time, RSS before the
  call and peak RSS (VmHWM) after it;
- size: stored bytes per recorded minute, against gzip -6 of the session's JSON;
- S3: the object copied to a moto_server process; bytes the server sent to read one chunk (range reads);
- replay: the product's replay page (/sessions/<id>/) on a real daphne in headless Chromium, a fresh
  browser each time (cold): first frame (navigation start to the first painted frame) with its in-page
  breakdown, seeks to `--seeks` places never loaded before (time until the frame is painted), and the
  renderer's RSS after them, with the chunks the page still holds. Before the browsers, the daphne is
  warmed with one request of the page's HTML (a fresh process compiles templates and imports views on
  its first request: ~1-2 s that no running server pays) and the session's repro steps are computed
  once (the page asks for them after its first frame; the first request walks the whole recording in
  the server process, seconds for 3 hours, and is cached by archive checksum
  afterwards): its time is printed as `steps_first_request_s`.
Own SQLite file var/bench-spa.sqlite3 and media directory var/bench-spa-media; deletes its sessions' keys.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from bench._stack import bench_env, bench_redis, free_port, spawn_daphne  # noqa: E402

REDIS_URL, _OWN_REDIS = bench_redis(os.environ.get("BENCH_REDIS_URL", ""))
FIXTURE = ROOT / "bench" / "fixtures" / "swagger-ui.msgpack.zst"
ENV = bench_env("bench-spa.sqlite3", REDIS_URL, MEDIA_ROOT=str(ROOT / "var" / "bench-spa-media"))
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from sessions import keys, store  # noqa: E402
from sessions.archive import chunking, format  # noqa: E402
from sessions.models import RecordingSession, SessionState  # noqa: E402
from sessions.protocol import batch_stats  # noqa: E402
from supportreplay.redis_client import get_redis  # noqa: E402

ARCHIVE_IN_WORKER = """
import json, sys, time
import django
django.setup()
from sessions.archive import service
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
before = status("VmRSS")
started, cpu = time.perf_counter(), time.process_time()
outcome = service.archive_session(sys.argv[1])
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = status("VmHWM")
print(json.dumps({"status": outcome.status, "seconds": elapsed, "cpu_seconds": cpu, "rss_mb": before,
                  "peak_mb": peak}))
"""


def batches_of(kind: str, minutes: int):
    if kind == "spa":
        from spa_fixture import load, stretched

        return stretched(load(FIXTURE), minutes)
    from _archive_events import session_batches

    return (chunking.Batch("tab-1", n, 0, events) for n, events in enumerate(session_batches(minutes)))


def store_session(kind: str, minutes: int, agent) -> tuple[RecordingSession, int, int]:
    """An ended session with the batches in its stream; returns it, gzip(JSON) bytes and stream bytes."""
    from tests.sessions.factories import make_session

    live = make_session(agent=agent)
    client = get_redis()
    store.open_meta_sync(live.id)
    script = client.register_script(store.APPEND_LUA)
    zipper = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip -6
    gz = stored = 0
    pipe = client.pipeline(transaction=False)
    for n, batch in enumerate(batches_of(kind, minutes)):
        ev = store.encode_events(batch.events)
        stored += len(ev)
        gz += len(zipper.compress(("," if n else "[").encode() + json.dumps(batch.events)[1:-1].encode()))
        args = store._append_args(batch.tab, batch.seq, ev, batch_stats(batch.events), store.now_ms())
        script(keys=[keys.events(live.id), keys.acked(live.id), keys.meta(live.id)], args=args, client=pipe)
        if n % 200 == 199:
            pipe.execute()
    pipe.execute()
    gz += len(zipper.compress(b"]") + zipper.flush())
    store.mark_ended(live.id)
    RecordingSession.objects.filter(pk=live.id).update(state=SessionState.ENDED)
    return RecordingSession.objects.get(pk=live.id), gz, stored


def archive(session: RecordingSession) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", ARCHIVE_IN_WORKER, str(session.pk)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def s3_bytes_per_chunk(session: RecordingSession) -> dict:
    """Copy the object to a moto_server, read chunks by range through S3Storage, count what it sent."""
    import boto3
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    from sessions.archive import reader
    from tests.helpers.s3 import ACCESS_KEY, SECRET_KEY, moto_s3, storage_settings

    archive_row = session.archive
    entries = [format.ChunkEntry.from_dict(e) for e in archive_row.manifest]
    with moto_s3() as proxy:
        options = storage_settings(f"http://127.0.0.1:{proxy.port}", "bench")["default"]["OPTIONS"]
        boto3.client(
            "s3",
            endpoint_url=options["endpoint_url"],
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        ).create_bucket(Bucket="bench")
        s3 = S3Storage(**options)
        with default_storage.open(archive_row.storage_name, "rb") as handle:
            s3.save(archive_row.storage_name, handle)
        sent = []
        for entry in entries[:: max(1, len(entries) // 5)]:
            proxy.reset()
            head = reader.read_head(archive_row.storage_name, entry, s3)
            frame = reader.read_range(archive_row.storage_name, entry.offset, entry.length, s3)
            assert len(head) + len(frame) == entry.head_range[1] + entry.length
            sent.append((proxy.received, entry.length, entry.head_range[1]))
    return {
        "object_kb": archive_row.stored_bytes / 1024,
        "s3_sent_kb_per_chunk_read_max": max(s for s, _, _ in sent) / 1024,
        "chunk_kb_max": max(c for _, c, _ in sent) / 1024,
        "head_kb": sent[0][2] / 1024,
    }


def renderer_rss_mb(driver) -> float:
    import psutil

    browser = psutil.Process(driver.service.process.pid)
    renderers = [
        p.memory_info().rss
        for p in browser.children(recursive=True)
        if "--type=renderer" in " ".join(p.cmdline())
    ]
    return max(renderers, default=0) / 2**20


def warm(url: str, cookie: str) -> float:
    """GET `url` with the agent's session cookie; returns the seconds it took."""
    import urllib.request

    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        response.read()
    return time.perf_counter() - started


def replay(session: RecordingSession, agent, base: str, seeks: int) -> dict:
    from tests.helpers.browser import make_driver
    from tests.helpers.live import session_cookie

    cookie = session_cookie(agent)
    url = f"{base}/sessions/{session.pk}/"
    warm(url, cookie)
    steps_s = warm(f"{url}data/steps", cookie)
    chunks = len(session.archive.manifest)
    span = session.archive.end_ts - session.archive.start_ts
    firsts, manifest_at, seek_ms, rss, held, timeline, parts, breakdown = [], [], [], [], [], [], [], []
    run = "const done = arguments[arguments.length - 1]; {}.then(done, e => done(String(e)));"
    for attempt in range(3):
        driver = make_driver()
        try:
            driver.get(f"{base}/healthz")
            driver.add_cookie({"name": "sessionid", "value": cookie, "path": "/"})
            driver.get(url)
            deadline = time.monotonic() + 60
            while not driver.execute_script("return document.body.dataset.replayReady"):
                if time.monotonic() > deadline:
                    overlay = driver.execute_script(
                        "return document.querySelector('[data-overlay-text]')?.textContent"
                    )
                    logs = [e["message"] for e in driver.get_log("browser")]
                    raise SystemExit(f"replay page did not get ready: overlay {overlay!r}, console {logs}")
                time.sleep(0.02)
            firsts.append(driver.execute_script("return window.__srReplay.readyMs"))
            # In the page (ms from navigation start): the bundle ran, manifest and chunk parsed, Replayer
            # built (build: ms), snapshot rebuilt and fast-forwarded (seek: ms), frame.
            breakdown.append(driver.execute_script("return window.__srReplay.firstFrame"))
            # Where the page's own work begins: the manifest request (after HTML, CSS and the bundle).
            manifest_at.append(
                driver.execute_script(
                    "return performance.getEntriesByType('resource')"
                    ".find(e => e.name.includes('/data/manifest')).startTime"
                )
            )
            if attempt:
                continue
            # Where the first frame's time went: each request's start, server wait (request sent ->
            # first byte) and end, from navigation start; then the frame.
            timeline.extend(
                driver.execute_script(
                    "const n = performance.getEntriesByType('navigation')[0];"
                    "const rows = [['page', 0, Math.round(n.responseStart - n.requestStart),"
                    " Math.round(n.responseEnd)]];"
                    "for (const e of performance.getEntriesByType('resource')) rows.push("
                    "[e.name.split('/').slice(-2).join('/'), Math.round(e.startTime),"
                    " Math.round(e.responseStart - e.requestStart), Math.round(e.responseEnd)]);"
                    "rows.push(['frame', Math.round(window.__srReplay.readyMs)]); return rows;"
                )
            )
            driver.set_script_timeout(60)
            # Seeks start once the first frame's neighbour chunk is in (an agent looks at the first frame
            # before seeking; a seek at once would share the server with that prefetch).
            deadline = time.monotonic() + 60
            while not driver.execute_script("return document.body.dataset.replayLoaded"):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            start = session.archive.start_ts
            # Places spread over the whole session, in an order that never revisits a neighbourhood.
            places = [start + int(span * ((k * 0.37 + 0.11) % 1)) for k in range(seeks)]
            for ts in places:
                timed = f"const t0 = performance.now(); await window.__srReplay.seek({ts});"
                timed += " return performance.now() - t0;"
                took = driver.execute_async_script(run.format(f"(async () => {{ {timed} }})()"))
                seek_ms.append(took)
                split = driver.execute_script("return window.__srReplay.lastSeek")
                parts.append({k: round(v) for k, v in split.items()})
                time.sleep(0.3)
            time.sleep(2)  # neighbours arrive
            rss.append(renderer_rss_mb(driver))
            held.append(driver.execute_script("return window.__srReplay.chunksHeld()"))
            driver.save_screenshot(str(ROOT / "var" / f"bench-spa-replay-{session.pk}.png"))
        finally:
            driver.quit()
    return {
        "chunks": chunks,
        "steps_first_request_s": round(steps_s, 2),
        "first_frame_ms_median_of_3": statistics.median(firsts),
        "first_frames_ms": [round(f) for f in firsts],
        "of_which_manifest_to_frame_ms": [round(f - m) for f, m in zip(firsts, manifest_at, strict=True)],
        "first_frame_in_page_ms (script, manifest, chunkBody, chunkParsed, build, seek, frame)": [
            [b.get(k) for k in ("script", "manifest", "chunkBody", "chunkParsed", "build", "seek", "frame")]
            for b in breakdown
        ],
        "first_run_timeline_ms (name, start, server wait, end)": timeline,
        "seeks_ms": [round(s) for s in seek_ms],
        "seeks_split_ms (chunk fetch+parse, rrweb rebuild, fast-forward)": parts,
        "seek_ms_p50": statistics.median(seek_ms),
        "seek_ms_max": max(seek_ms),
        "renderer_rss_mb": rss[0],
        "chunks_held_after_seeks": held[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, nargs="+", default=[30, 180])
    parser.add_argument("--kinds", nargs="+", default=["spa", "synthetic"])
    parser.add_argument("--seeks", type=int, default=8)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from tests.helpers.live import make_agent

    agent = make_agent()
    port = free_port()
    daphne = None if args.no_browser else spawn_daphne(port, ENV)
    try:
        for kind in args.kinds:
            for minutes in args.minutes:
                session, gz, stream = store_session(kind, minutes, agent)
                result = {"redis_stream_kb_per_min": stream / 1024 / minutes}
                result.update(archive(session))
                session.refresh_from_db()
                stored = session.archive.stored_bytes
                result.update(
                    stored_kb_per_min=stored / 1024 / minutes,
                    gzip_json_kb_per_min=gz / 1024 / minutes,
                    stored_vs_gzip=stored / gz,
                    events=session.archive.event_count,
                )
                result.update(s3_bytes_per_chunk(session))
                if daphne:
                    result.update(replay(session, agent, f"http://127.0.0.1:{port}", args.seeks))
                print(f"--- {kind}, {minutes} min", flush=True)
                for key, value in result.items():
                    shown = f"{value:.3f}" if isinstance(value, float) else value
                    print(f"{key:34} {shown}", flush=True)
    finally:
        if daphne:
            daphne.terminate()
            try:
                daphne.wait(10)
            except subprocess.TimeoutExpired:
                daphne.kill()


if __name__ == "__main__":
    main()
