"""`/metrics`: Prometheus text exposition (format 0.0.4) through prometheus_client.

Two kinds of values, as Prometheus expects from a multi-process deployment:
- per process (each daphne is scraped on its own address): ingest batches and events, the ack latency
  histogram, the process's RSS. `observe_ack` sits on the ingest hot path: in-memory counters, no I/O.
- global, read at scrape time: sessions per state and archive failures from the database; archive runs
  and durations from a Redis hash that every Celery worker adds to (`observe_archive`); Redis memory,
  eviction policy, and the memory of live sessions' streams (`MEMORY USAGE`, sampled and bounded).

Who may read it: a logged-in user holding `recordings.watch_recordingsession`, or a scraper sending
`Authorization: Bearer <SUPPORTREPLAY_METRICS_TOKEN>` (compared in constant time). Without a configured
token, bearer access is off. Metrics carry no session ids, tokens or customer data.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.utils import floatToGoString

log = logging.getLogger(__name__)

WATCH_PERMISSION = "recordings.watch_recordingsession"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
ARCHIVE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
# At most this many live sessions' streams are measured per scrape (one pipelined round trip).
STREAM_SAMPLE = 200


def archive_key() -> str:
    """The Redis hash of archive run counts and durations, shared by every Celery worker."""
    return "sr:metrics:archive"


# No `_created` series: the exposition keeps the metric names and samples it has always had.
disable_created_metrics()
# Not in prometheus_client's default registry: `render` exposes exactly what is listed here.
_ack = Histogram(
    "supportreplay_ingest_ack_seconds",
    "Server time from a decoded batch to its ack (redaction, Redis append, send), this process.",
    buckets=ACK_BUCKETS,
    registry=None,
)
_batches = Counter(
    "supportreplay_ingest_batches",
    "Batches acked by this process's ingest sockets (duplicates included: each was acked).",
    registry=None,
)
_events = Counter(
    "supportreplay_ingest_events", "rrweb events in the batches acked by this process.", registry=None
)


def observe_ack(seconds: float, events: int) -> None:
    """The ingest consumer acked a batch of `events` events `seconds` after it started handling it."""
    _ack.observe(seconds)
    _batches.inc()
    _events.inc(events)


def observe_archive(run: Callable[[str], Any], session_id: str) -> Any:
    """Run the archive verb, counting its outcome (its `.status`, or "failed") and timing real archives.

    One pipelined Redis call per archive run, after the run: never in the way of the archive itself.
    """
    started = time.perf_counter()
    status = "failed"
    try:
        outcome = run(session_id)
        status = str(getattr(outcome, "status", "done"))
        return outcome
    finally:
        _record_archive(status, time.perf_counter() - started)


def _record_archive(status: str, seconds: float) -> None:
    from .redis_client import get_redis

    try:
        pipe = get_redis().pipeline(transaction=False)
        pipe.hincrby(archive_key(), f"runs:{status}", 1)
        if status == "archived":
            pipe.hincrby(archive_key(), f"bucket:{bisect_left(ARCHIVE_BUCKETS, seconds)}", 1)
            pipe.hincrbyfloat(archive_key(), "seconds", seconds)
        pipe.execute()
    except Exception:
        log.warning("could not record archive metrics", exc_info=True)


# --- exposition ----------------------------------------------------------------------------------------


class Exposition:
    """The metric families of one scrape, built from values read at scrape time."""

    def __init__(self) -> None:
        self.families: list[Metric] = []

    def metric(
        self, name: str, kind: str, help_text: str, samples: Iterable[tuple[dict | None, float]]
    ) -> None:
        samples = list(samples)
        labels = list(samples[0][0] or {}) if samples else []
        family_type = {"counter": CounterMetricFamily, "gauge": GaugeMetricFamily}[kind]
        family = family_type(name, help_text, labels=labels)
        for sample_labels, value in samples:
            family.add_metric([str(v) for v in (sample_labels or {}).values()], value)
        self.families.append(family)

    def histogram(
        self, name: str, help_text: str, buckets: tuple[float, ...], cumulative: list[int], total: float
    ) -> None:
        bounds = [floatToGoString(bound) for bound in (*buckets, float("inf"))]
        self.families.append(
            HistogramMetricFamily(
                name, help_text, buckets=list(zip(bounds, cumulative, strict=True)), sum_value=float(total)
            )
        )

    def collect(self) -> Iterator[Metric]:
        yield from self.families


def _process(out: Exposition) -> None:
    for metric in (_batches, _events, _ack):
        out.families.extend(metric.collect())
    out.metric(
        "process_resident_memory_bytes", "gauge", "Resident memory of this process.", [(None, _rss_bytes())]
    )


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _database(out: Exposition) -> tuple[list[str], int]:
    """Sessions per state, failed archives; returns (live ids to sample, newest first; live count)."""
    from django.db.models import Count

    from sessions.models import ArchiveStatus, RecordingSession, SessionState

    counts = dict(
        RecordingSession.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    out.metric(
        "supportreplay_sessions",
        "gauge",
        "Recording sessions by state (live = being recorded; ended = waiting for its archive).",
        [({"state": str(state)}, counts.get(state, 0)) for state in SessionState.values],
    )
    failed = RecordingSession.objects.filter(
        state=SessionState.ENDED, archive_status=ArchiveStatus.FAILED
    ).count()
    out.metric(
        "supportreplay_archive_failed_sessions",
        "gauge",
        "Ended sessions whose last archive attempt failed (the sweeper retries them).",
        [(None, failed)],
    )
    live = RecordingSession.objects.filter(state=SessionState.LIVE).order_by("-started_at")
    return [str(pk) for pk in live.values_list("pk", flat=True)[:STREAM_SAMPLE]], counts.get(
        SessionState.LIVE, 0
    )


def _redis(out: Exposition, sample: list[str], live_total: int) -> None:
    from sessions import keys

    from .health import celery_heartbeat_age
    from .redis_client import get_redis

    client = get_redis()
    memory = client.info("memory")
    persistence = client.info("persistence")
    out.metric(
        "supportreplay_redis_used_memory_bytes",
        "gauge",
        "Redis used_memory.",
        [(None, memory["used_memory"])],
    )
    out.metric(
        "supportreplay_redis_maxmemory_bytes",
        "gauge",
        "Redis maxmemory (0 = no limit).",
        [(None, memory["maxmemory"])],
    )
    out.metric(
        "supportreplay_redis_noeviction",
        "gauge",
        "1 when Redis's maxmemory-policy is noeviction (anything else can silently drop live events).",
        [(None, int(memory.get("maxmemory_policy") == "noeviction"))],
    )
    out.metric(
        "supportreplay_redis_aof_enabled",
        "gauge",
        "1 when Redis appends to its AOF.",
        [(None, persistence["aof_enabled"])],
    )
    pipe = client.pipeline(transaction=False)
    for sid in sample:
        pipe.memory_usage(keys.events(sid))
        pipe.hget(keys.meta(sid), "connected")
    replies = pipe.execute() if sample else []
    stream_bytes = sum(int(v or 0) for v in replies[0::2])
    connected = sum(int(v or 0) for v in replies[1::2])
    estimate = stream_bytes * live_total / len(sample) if sample else 0
    out.metric(
        "supportreplay_redis_stream_sampled_sessions",
        "gauge",
        f"Live sessions whose stream was measured (the newest, at most {STREAM_SAMPLE}).",
        [(None, len(sample))],
    )
    out.metric(
        "supportreplay_redis_stream_sampled_bytes",
        "gauge",
        "MEMORY USAGE of the sampled live sessions' event streams.",
        [(None, stream_bytes)],
    )
    out.metric(
        "supportreplay_redis_stream_bytes",
        "gauge",
        "Estimated memory of all live sessions' event streams (sampled bytes scaled to every live session).",
        [(None, int(estimate))],
    )
    out.metric(
        "supportreplay_ingest_connected_sockets",
        "gauge",
        "Open recorder sockets of the sampled live sessions (all daphne processes).",
        [(None, connected)],
    )
    archive = {k.decode(): v for k, v in client.hgetall(archive_key()).items()}
    runs = {k.split(":", 1)[1]: int(v) for k, v in archive.items() if k.startswith("runs:")}
    for status in ("archived", "failed"):
        runs.setdefault(status, 0)
    out.metric(
        "supportreplay_archive_runs_total",
        "counter",
        "Archive task runs by outcome (archived, failed, locked, already_archived, not_ended, missing).",
        [({"outcome": status}, n) for status, n in sorted(runs.items())],
    )
    age = celery_heartbeat_age()
    out.metric(
        "supportreplay_celery_heartbeat_age_seconds",
        "gauge",
        "Seconds since a Celery worker ran the beat-scheduled heartbeat task (-1: never).",
        [(None, round(age, 1) if age is not None else -1)],
    )
    per_bucket = [int(archive.get(f"bucket:{i}", 0)) for i in range(len(ARCHIVE_BUCKETS) + 1)]
    cumulative = [sum(per_bucket[: i + 1]) for i in range(len(per_bucket))]
    out.histogram(
        "supportreplay_archive_duration_seconds",
        "Wall time of successful archive runs (all workers).",
        ARCHIVE_BUCKETS,
        cumulative,
        float(archive.get("seconds", 0) or 0),
    )


def render() -> str:
    """The whole exposition; a failing source is reported as `supportreplay_scrape_error` and skipped."""
    out = Exposition()
    _process(out)
    errors = {"database": 0, "redis": 0}
    sample, live_total = [], 0
    try:
        sample, live_total = _database(out)
    except Exception:
        errors["database"] = 1
        log.warning("metrics: database unavailable", exc_info=True)
    try:
        _redis(out, sample, live_total)
    except Exception:
        errors["redis"] = 1
        log.warning("metrics: Redis unavailable", exc_info=True)
    out.metric(
        "supportreplay_scrape_error",
        "gauge",
        "1 when a source could not be read during this scrape.",
        [({"source": name}, value) for name, value in errors.items()],
    )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(out)
    return generate_latest(registry).decode()


# --- the view ------------------------------------------------------------------------------------------


def bearer_allowed(header: str) -> bool:
    """True for `Bearer <SUPPORTREPLAY_METRICS_TOKEN>`; always False when no token is configured."""
    expected = settings.SUPPORTREPLAY_METRICS_TOKEN
    scheme, _, given = header.partition(" ")
    if not expected or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    if header:
        allowed = bearer_allowed(header)
    elif request.user.is_authenticated:
        if not request.user.has_perm(WATCH_PERMISSION):
            return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        allowed = True
    else:
        allowed = False
    if not allowed:
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(render(), content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response
