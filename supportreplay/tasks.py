"""Project-wide tasks: the health check ping a worker answers for /healthz."""

import time

from celery import shared_task


@shared_task(name="supportreplay.ping", ignore_result=False)
def ping() -> dict:
    """Proves a worker picks tasks from the broker and writes results back."""
    return {"pong": True, "at": time.time()}
