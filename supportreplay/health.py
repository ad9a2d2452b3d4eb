"""GET /healthz: database, Redis and a Celery worker, each checked for real."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .redis_client import get_redis


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    get_redis().ping()
    return "ok"


def check_celery(timeout: float = 2.0) -> str:
    from .celery import app

    replies = app.control.ping(timeout=timeout)
    if not replies:
        raise RuntimeError("no worker answered the ping")
    return f"ok ({len(replies)} worker{'s' if len(replies) > 1 else ''})"


CHECKS = {"database": check_database, "redis": check_redis, "celery": check_celery}


def run_checks() -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        if (
            name == "celery"
            and not results["redis"]["ok"]
            and settings.CELERY_BROKER_URL == settings.REDIS_URL
        ):
            # Asking workers through a dead broker would only hang until the timeout.
            results[name] = {"ok": False, "detail": "broker unreachable (it is the Redis above)", "ms": 0.0}
            continue
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # every failure is a report, never a 500
            detail, ok = f"{type(exc).__name__}: {exc}"[:200], False
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return results


@never_cache
def healthz(request):
    results = run_checks()
    down = [name for name, r in results.items() if not r["ok"]]
    body = {"status": "ok" if not down else "down", "down": down, "checks": results}
    return JsonResponse(body, status=200 if not down else 503)
