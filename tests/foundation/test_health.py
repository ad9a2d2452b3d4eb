"""Liveness and readiness: /healthz/live touches nothing, /healthz/ready checks database and Redis in one
fast round trip each, and Celery is reported from a heartbeat a real worker stamps, never pinged."""

import time

import pytest
from django.test import override_settings

from supportreplay import health
from supportreplay.tasks import heartbeat, ping
from tests.helpers.processes import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_liveness_answers_200_even_when_redis_is_down(client):
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readiness_is_200_with_database_and_redis_and_reports_a_missing_celery_heartbeat(client, redis_db):
    response = client.get("/healthz/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert {name for name, check in body["checks"].items() if check["ok"]} == {"database", "redis"}
    assert body["celery"]["ok"] is False
    assert "no worker heartbeat" in body["celery"]["detail"]
    assert client.get("/healthz").status_code == 200  # the old path is the same readiness check


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readiness_answers_503_naming_redis_when_redis_is_unreachable(client):
    response = client.get("/healthz/ready")
    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["redis"]
    assert body["checks"]["database"]["ok"] is True


def test_a_stale_heartbeat_is_reported_but_does_not_make_the_process_unready(client, redis_db):
    health.stamp_celery_heartbeat(now=time.time() - 3600)
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    celery = response.json()["celery"]
    assert celery["ok"] is False
    assert celery["age_seconds"] >= 3600


def test_a_real_worker_runs_the_heartbeat_task_and_readiness_reports_celery_ok(client, redis_db):
    with celery_worker() as worker:
        heartbeat.delay()
        assert ping.delay().get(timeout=30)["pong"] is True  # the solo worker ran the heartbeat first
    assert "supportreplay.heartbeat" in worker.log()
    celery = client.get("/healthz/ready").json()["celery"]
    assert celery["ok"] is True
    assert celery["age_seconds"] < health.HEARTBEAT_STALE_SECONDS


def test_beat_schedules_the_heartbeat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["celery-heartbeat"]
    assert entry["task"] == "supportreplay.heartbeat"
    assert entry["schedule"] == health.HEARTBEAT_SECONDS


def test_metrics_expose_the_heartbeat_age(redis_db):
    from supportreplay.metrics import render

    health.stamp_celery_heartbeat(now=time.time() - 120)
    line = next(
        x for x in render().splitlines() if x.startswith("supportreplay_celery_heartbeat_age_seconds ")
    )
    assert float(line.split()[1]) >= 120


def test_probes_by_ip_address_are_answered_even_though_the_host_is_not_allowed(client, redis_db, settings):
    settings.ALLOWED_HOSTS = ["support.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/live", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/healthz/ready", HTTP_HOST="10.0.0.7:8000").status_code == 200
    # Every other path still refuses the unknown host.
    assert client.get("/sessions/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_every_middleware_is_async_capable_so_daphne_runs_the_chain_without_adapting_it(settings):
    from django.utils.module_loading import import_string

    sync_only = [
        path for path in settings.MIDDLEWARE if not getattr(import_string(path), "async_capable", False)
    ]
    assert sync_only == []


async def test_probes_are_answered_on_the_async_path(async_client, redis_db):
    live = await async_client.get("/healthz/live")
    ready = await async_client.get("/healthz/ready")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200, ready.json()
    assert ready.json()["checks"]["database"]["ok"] is True
