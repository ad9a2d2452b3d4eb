"""Celery task of webhooks: a thin wrapper that attempts a delivery and schedules the next try."""

from celery import shared_task

from . import services
from .models import DeliveryStatus


@shared_task(name=services.DELIVER_TASK, ignore_result=True)
def deliver(delivery_id: str) -> str:
    delivery = services.attempt(delivery_id)
    if delivery is None:
        return "missing"
    if delivery.status == DeliveryStatus.RETRYING:
        # A new task with a countdown rather than self.retry: the attempt count lives in the database, so a
        # worker restart neither loses nor repeats the schedule.
        services.send_task(delivery.pk, countdown=services.backoff(delivery.attempts))
    return delivery.status
