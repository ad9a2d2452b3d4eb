"""A long session is archived in a process whose address space is capped far below the session's size,
and the archive gives back exactly the batches that were stored, event for event.

The stream is filled through the real append script (what the ingest socket calls); the archive runs in a
separate Python process (the verb a Celery worker runs) with RLIMIT_AS set to what it had after start-up
plus a fixed budget: an archive that held the session in memory dies with MemoryError there.
"""

import subprocess
import sys

import msgpack
import pytest

from sessions import keys, services, store
from sessions.archive import source
from sessions.models import EndReason, RecordingSession, SessionState
from sessions.protocol import batch_stats
from supportreplay.redis_client import get_redis
from tests.helpers.processes import ROOT, child_env
from tests.sessions import long_session
from tests.sessions.factories import make_session
from tests.support.events import T0

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes, pytest.mark.timeout(900)]

MINUTES = 90
BUDGET_MB = 80

CAPPED = """
import os, resource, sys
import django
django.setup()
from sessions.archive import service
import zstandard, msgpack  # what the verb loads, loaded before the cap

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

budget = int(sys.argv[2]) * 1024 * 1024
cap = status("VmSize") + budget
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
rss_before = status("VmRSS")
outcome = service.archive_session(sys.argv[1])
print(outcome.status, rss_before, status("VmHWM"))
"""


def fill_stream(session_id, minutes: int) -> int:
    """The real append script (what ingest runs), pipelined 200 batches a round trip."""
    client = get_redis()
    script = client.register_script(store.APPEND_LUA)
    stream_keys = [keys.events(session_id), keys.acked(session_id), keys.meta(session_id)]
    pipe = client.pipeline(transaction=False)
    size = 0
    for seq, events in enumerate(long_session.batches(minutes)):
        args = store._append_args("tab-a", seq, store.encode_events(events), batch_stats(events), T0 + seq)
        script(keys=stream_keys, args=args, client=pipe)
        size += len(msgpack.packb(events, use_bin_type=True))
        if seq % 200 == 199:
            assert all(r[0] == b"ok" for r in pipe.execute())
    assert all(r[0] == b"ok" for r in pipe.execute())
    return size


def test_a_long_session_archives_under_a_memory_cap_and_reads_back_event_for_event(
    redis_db, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    live = make_session()
    store.open_meta_sync(live.id)
    session_bytes = fill_stream(live.id, MINUTES)
    assert session_bytes > BUDGET_MB * 1024 * 1024 / 4
    services.end_session(live.id, EndReason.STOP)

    run = subprocess.run(
        [sys.executable, "-c", CAPPED, str(live.id), str(BUDGET_MB)],
        cwd=ROOT,
        env=child_env(MEDIA_ROOT=settings.MEDIA_ROOT, MALLOC_ARENA_MAX="2"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    status, rss_before, peak = run.stdout.split()[-3:]
    print(
        f"stream {session_bytes >> 20} MiB, worker RSS {int(rss_before) >> 20} -> peak {int(peak) >> 20} MiB"
    )
    assert status == "archived"

    session = RecordingSession.objects.get(pk=live.id)
    assert session.state == SessionState.ARCHIVED
    assert len(session.archive.manifest) == MINUTES
    assert session.archive.stored_bytes < session_bytes / 20
    sent = long_session.batches(MINUTES)
    count = 0
    for seq, batch in enumerate(source.iter_batches(session)):
        assert (batch.tab, batch.seq) == ("tab-a", seq)
        assert batch.events == next(sent)
        count += len(batch.events)
    assert next(sent, None) is None
    assert count == session.archive.event_count
