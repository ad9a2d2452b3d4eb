import json

import pytest
from django.test import override_settings

from supportreplay.tasks import ping
from tests.helpers.processes import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_answers_200_when_database_redis_and_a_worker_are_up(client, redis_db):
    with celery_worker():
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name for name, check in body["checks"].items() if check["ok"]} == {"database", "redis", "celery"}
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_answers_503_naming_redis_when_redis_is_unreachable(client):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert "redis" in body["down"]
    assert body["checks"]["database"]["ok"] is True
    assert "Connection" in body["checks"]["redis"]["detail"] or "Error" in body["checks"]["redis"]["detail"]


def test_healthz_names_celery_when_no_worker_answers(client, redis_db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["celery"]


def test_a_real_worker_process_executes_the_ping_task(redis_db):
    with celery_worker() as worker:
        result = ping.delay().get(timeout=30)
    assert result["pong"] is True
    assert "supportreplay.ping" in worker.log()
