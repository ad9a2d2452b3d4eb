"""Health endpoints for load balancers and orchestrators.

- GET /healthz/live   the process answers (no dependency touched): restart the process when this fails.
- GET /healthz/ready  the database and Redis answer (each a single fast round trip): send traffic only
                      when this is 200. `/healthz` is the same check.

Celery is *reported*, never pinged from a request: beat schedules `supportreplay.heartbeat` every
HEARTBEAT_SECONDS, a worker runs it and stamps CELERY_HEARTBEAT_KEY in Redis, and readiness (and
/metrics) read the stamp's age. A stale stamp means beat, the broker or every worker is down; the site
still serves (recordings keep streaming into Redis), so it does not make a daphne unready.
"""

import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .redis_client import get_redis

CELERY_HEARTBEAT_KEY = "sr:celery:heartbeat"
HEARTBEAT_SECONDS = 30
# Three missed beats: the chain beat -> broker -> worker is broken.
HEARTBEAT_STALE_SECONDS = 3 * HEARTBEAT_SECONDS + 10


def stamp_celery_heartbeat(now: float | None = None) -> float:
    """Called by the heartbeat task on a worker."""
    now = time.time() if now is None else now
    get_redis().set(CELERY_HEARTBEAT_KEY, f"{now:.3f}", ex=24 * 3600)
    return now


def celery_heartbeat_age(now: float | None = None) -> float | None:
    """Seconds since a worker last ran the heartbeat task; None if none ever did (or it expired)."""
    raw = get_redis().get(CELERY_HEARTBEAT_KEY)
    if raw is None:
        return None
    return max(0.0, (time.time() if now is None else now) - float(raw))


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    get_redis().ping()
    return "ok"


def celery_status() -> dict:
    try:
        age = celery_heartbeat_age()
    except Exception as exc:
        return {"ok": False, "detail": f"heartbeat unreadable: {type(exc).__name__}", "age_seconds": None}
    if age is None:
        return {
            "ok": False,
            "detail": "no worker heartbeat yet (beat and a worker must run)",
            "age_seconds": None,
        }
    ok = age <= HEARTBEAT_STALE_SECONDS
    detail = "ok" if ok else f"last worker heartbeat {age:.0f} s ago"
    return {"ok": ok, "detail": detail, "age_seconds": round(age, 1)}


READY_CHECKS = {"database": check_database, "redis": check_redis}


def run_checks() -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name, check in READY_CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # every failure is a report, never a 500
            detail, ok = f"{type(exc).__name__}: {exc}"[:200], False
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return results


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    results = run_checks()
    down = [name for name, r in results.items() if not r["ok"]]
    celery = celery_status() if not down else {"ok": False, "detail": "not checked", "age_seconds": None}
    body = {"status": "ok" if not down else "down", "down": down, "checks": results, "celery": celery}
    return JsonResponse(body, status=200 if not down else 503)


PROBE_PATHS = {"/healthz": ready, "/healthz/ready": ready, "/healthz/live": live}


class HealthProbeMiddleware:
    """Answers the probe paths before anything checks the Host header or redirects to HTTPS.

    Load balancers and container runtimes probe a daphne by its own address (`127.0.0.1:8000`, a pod IP),
    which is not in ALLOWED_HOSTS; without this, every probe would get a 400 (and a log line) and the
    process would look dead. First in MIDDLEWARE; the answers hold no session or customer data.

    Sync and async capable, like every middleware in MIDDLEWARE: under daphne the chain runs async, and
    one sync-only middleware would make Django adapt the whole chain (and every async view) to sync.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        view = probe_view(request)
        return view(request) if view is not None else self.get_response(request)

    async def __acall__(self, request):
        view = probe_view(request)
        if view is not None:
            # The checks are blocking round trips (database, Redis): in this request's own sync thread.
            return await sync_to_async(view)(request)
        return await self.get_response(request)


def probe_view(request):
    view = PROBE_PATHS.get(request.path_info)
    return view if view is not None and request.method in ("GET", "HEAD") else None
