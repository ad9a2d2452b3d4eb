"""Finding 3 (issue 12): a recorded page that sends 30k+ clicks cannot stall the archive or the replay.

The summary's work is counted, not timed (bench/summary.py has the timings); the archive runs in a real
Celery worker; an archive run that outlives its lock ends visibly failed, never stuck "running".
"""

from __future__ import annotations

import time

import pytest

from sessions import summary as summary_module
from sessions.archive import source
from sessions.models import ArchiveStatus, RecordingSession, SessionState
from sessions.summary import find_rage_clicks, summarize
from supportreplay import metrics
from tests.helpers.processes import celery_worker
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import (
    T0,
    as_batches,
    checkout_session,
    click_event,
    full_snapshot_event,
    meta_event,
)

CLICKS = 30_000
LINEAR_BUDGET = 100 * CLICKS  # distance checks allowed: a constant per click


class TooMuchWork(AssertionError):
    pass


@pytest.fixture
def distance_budget(monkeypatch):
    """Count same-spot comparisons; fail at once past a linear budget (an O(n^2) search does 4.5e8)."""
    calls = {"n": 0, "budget": LINEAR_BUDGET}
    real = summary_module._same_spot

    def counted(*args):
        calls["n"] += 1
        if calls["n"] > calls["budget"]:
            raise TooMuchWork(f"more than {calls['budget']} same-spot checks for {CLICKS} clicks")
        return real(*args)

    monkeypatch.setattr(summary_module, "_same_spot", counted)
    return calls


def test_30k_clicks_at_one_instant_all_over_the_page_cost_linear_work(distance_budget):
    clicks = [(T0, None, float(i % 300) * 50, float(i // 300) * 50) for i in range(CLICKS)]
    assert find_rage_clicks(clicks) == []
    assert distance_budget["n"] <= distance_budget["budget"]


def test_30k_clicks_in_bursts_find_every_burst(distance_budget):
    bursts = CLICKS // 3
    clicks = [(T0 + b * 2000 + k * 100, 8, 100.0, 100.0) for b in range(bursts) for k in range(3)]
    found = find_rage_clicks(list(reversed(clicks)))  # order of arrival does not matter
    assert len(found) == bursts
    assert {r["clicks"] for r in found} == {3}


def test_summary_of_a_30k_click_session_counts_everything_and_lists_a_bounded_number(distance_budget):
    events = [meta_event(T0), full_snapshot_event(T0)] + [
        click_event(T0 + i * 10, node=1000 + i, x=(i % 40) * 30, y=(i // 40) * 30) for i in range(CLICKS)
    ]
    events += [click_event(T0 + CLICKS * 10, x="abc", y=float("nan"))]  # poison coordinates count as 0
    batches = as_batches([events[i : i + 2000] for i in range(0, len(events), 2000)])
    result = summarize(batches)
    assert result["clicks"] == CLICKS + 1
    assert len(result["markers"]) <= summary_module.MAX_LISTED * 4


def _rage_session_batches() -> list[list[dict]]:
    """About 2.5 MB of clicks: 10,500 bursts of 3 on the pay button, 2 s apart."""
    batches = checkout_session(minutes=1)
    ts = batches[-1][0]["timestamp"] + 1000
    clicks = []
    for burst in range(CLICKS // 3 + 500):
        clicks += [click_event(ts + burst * 2000 + k * 100, node=8, x=100, y=200) for k in range(3)]
    return batches + [clicks[i : i + 1500] for i in range(0, len(clicks), 1500)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.processes
def test_a_30k_click_session_archives_in_a_real_worker_and_replays_from_the_stored_summary(
    redis_db, settings, tmp_path, monkeypatch
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    live = make_session()
    ingest(live.credential, _rage_session_batches())  # bye stop: the archive task is queued
    with celery_worker(MEDIA_ROOT=str(media), SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS="10"):
        deadline = time.monotonic() + 180
        while RecordingSession.objects.get(pk=live.id).archive_status not in (
            ArchiveStatus.DONE,
            ArchiveStatus.FAILED,
        ):
            assert time.monotonic() < deadline, "archive still not finished (stuck running?)"
            time.sleep(0.2)
    session = RecordingSession.objects.get(pk=live.id)
    assert (session.state, session.archive_status) == (SessionState.ARCHIVED, ArchiveStatus.DONE)
    assert session.summary["rage_clicks"] == CLICKS // 3 + 500 + 1  # + the checkout session's own burst

    # Opening the replay reads the stored summary: no summary is computed in the web process.
    monkeypatch.setattr(source, "summarize", _no_summary_here)
    assert source.load(session).summary["rage_clicks"] == session.summary["rage_clicks"]


def _no_summary_here(*args, **kwargs):
    raise AssertionError("summary recomputed on a replay request")


@pytest.mark.django_db(transaction=True)
def test_an_ended_sessions_summary_is_computed_once_per_stream_state(redis_db, monkeypatch):
    live = make_session()
    ingest(live.credential, checkout_session(minutes=1))
    session = RecordingSession.objects.get(pk=live.id)
    calls = []
    real = source.summarize
    monkeypatch.setattr(source, "summarize", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = source.load(session).summary
    for _ in range(5):  # the player asks for the manifest again and again
        assert source.load(session).summary == first
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.processes
def test_an_archive_run_that_outlives_its_lock_ends_failed_and_the_metric_says_so(
    redis_db, settings, tmp_path
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    live = make_session()
    ingest(live.credential, checkout_session(minutes=1))
    slow = {
        "MEDIA_ROOT": str(media),
        "SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS": "1",
        "SUPPORTREPLAY_ARCHIVE_PAGE_SIZE": "10",
        "SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS": "1500",  # each page outlasts the 1 s lock
    }
    with celery_worker(**slow):
        deadline = time.monotonic() + 60
        while RecordingSession.objects.get(pk=live.id).archive_status != ArchiveStatus.FAILED:
            status = RecordingSession.objects.get(pk=live.id).archive_status
            assert time.monotonic() < deadline, f"archive status is {status}, not failed"
            time.sleep(0.2)
    session = RecordingSession.objects.get(pk=live.id)
    assert session.state == SessionState.ENDED  # the sweeper retries it; its stream is still there
    assert "exceeded" in session.archive_error
    assert "supportreplay_archive_failed_sessions 1" in metrics.render()


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_marks_a_run_whose_worker_vanished_failed_and_queues_it_again(redis_db):
    from sessions import keys
    from sessions.archive import service

    live = make_session()
    ingest(live.credential, checkout_session(minutes=1))
    # A worker was killed mid-archive: the status says running, its lock has lapsed.
    RecordingSession.objects.filter(pk=live.id).update(archive_status=ArchiveStatus.RUNNING)
    assert not redis_db.exists(keys.archive_lock(live.id))
    held = make_session()
    ingest(held.credential, checkout_session(minutes=1))
    RecordingSession.objects.filter(pk=held.id).update(archive_status=ArchiveStatus.RUNNING)
    redis_db.set(keys.archive_lock(held.id), "another worker", px=60_000)  # still being archived

    queued = service.sweep_unarchived(grace_seconds=0)

    assert {str(live.id), str(held.id)} <= set(queued)
    vanished = RecordingSession.objects.get(pk=live.id)
    assert vanished.archive_status == ArchiveStatus.FAILED
    assert "vanished" in vanished.archive_error
    assert RecordingSession.objects.get(pk=held.id).archive_status == ArchiveStatus.RUNNING
    assert "supportreplay_archive_failed_sessions 1" in metrics.render()
