"""Project-wide tasks: the Celery heartbeat (read by /healthz/ready and /metrics) and a ping."""

import time

from celery import shared_task

from .health import stamp_celery_heartbeat


@shared_task(name="supportreplay.heartbeat", ignore_result=True)
def heartbeat() -> float:
    """Scheduled by beat, run by a worker: proves beat, the broker and a worker work together."""
    return stamp_celery_heartbeat()


@shared_task(name="supportreplay.ping", ignore_result=False)
def ping() -> dict:
    """Proves a worker picks tasks from the broker and writes results back."""
    return {"pong": True, "at": time.time()}
