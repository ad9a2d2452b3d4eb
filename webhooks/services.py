"""Webhook verbs: `enqueue` a domain event to every subscribed endpoint, `attempt` one delivery.

A delivery row is written when the event happens (in the sender's transaction) and its task is queued on
commit; `attempt` POSTs the stored body with a fresh timestamp and signature and records the outcome. The
Celery task (tasks.py) retries with exponential backoff until MAX_ATTEMPTS.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import conf, payloads, signing
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
DELIVER_TASK = "webhooks.deliver"
USER_AGENT = "SupportReplay-Webhooks/1"


def _absolute(path: str) -> str:
    return settings.SUPPORTREPLAY_PUBLIC_URL.rstrip("/") + path


def link_facts(link) -> dict[str, Any]:
    agent = link.created_by.get_username() if link.created_by_id else ""
    return {"id": link.pk, "ticket": link.ticket_ref, "ticket_url": link.ticket_url, "agent": agent}


def session_facts(session) -> dict[str, Any]:
    return {
        "id": str(session.pk),
        "state": session.state,
        "end_reason": session.get_end_reason_display() if session.end_reason else "",
        "started_at": session.started_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "errors": session.error_count,
        "failed_requests": session.failed_request_count,
        "replay_url": _absolute(reverse("recordings:replay", args=[session.pk])),
        "live_url": _absolute(reverse("recordings:live", args=[session.pk])),
    }


def facts_for(link, session=None) -> dict[str, Any]:
    facts: dict[str, Any] = {"link": link_facts(link)}
    if session is not None:
        facts["session"] = session_facts(session)
    return facts


def enqueue(event: str, facts: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery per active endpoint subscribed to `event`; their tasks are queued when this commits."""
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        if event not in endpoint.events:
            continue
        delivery = WebhookDelivery(endpoint=endpoint, event=event, payload={})
        delivery.payload = payloads.render(
            endpoint.format, event, str(delivery.pk), timezone.now().isoformat(), facts
        )
        delivery.save()
        deliveries.append(delivery)
    for delivery in deliveries:
        transaction.on_commit(lambda d=delivery: send_task(d.pk))
    return deliveries


def send_task(delivery_id, countdown: float = 0) -> None:
    from supportreplay.celery import app

    app.send_task(DELIVER_TASK, args=[str(delivery_id)], countdown=countdown or None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is an answer, not a new destination
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    status: int | None
    error: str


def post(endpoint: WebhookEndpoint, event: str, delivery_id: str, payload: dict) -> Attempt:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-SupportReplay-Event": event,
        "X-SupportReplay-Delivery": delivery_id,
        signing.TIMESTAMP_HEADER: str(timestamp),
    }
    if endpoint.secret:
        headers[signing.SIGNATURE_HEADER] = signing.signature(endpoint.secret, timestamp, body)
    request = urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=conf.get("SUPPORTREPLAY_WEBHOOK_TIMEOUT_SECONDS")) as response:
            return Attempt(200 <= response.status < 300, response.status, "")
    except urllib.error.HTTPError as exc:
        return Attempt(False, exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Attempt(False, None, f"{type(exc).__name__}: {exc}"[:500])


def attempt(delivery_id) -> WebhookDelivery | None:
    """POST one delivery once and record the outcome; returns it (None if it no longer exists)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        return delivery
    result = post(delivery.endpoint, delivery.event, str(delivery.pk), delivery.payload)
    delivery.attempts += 1
    delivery.response_status = result.status
    delivery.error = result.error
    if result.delivered:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
    elif delivery.attempts >= conf.get("SUPPORTREPLAY_WEBHOOK_MAX_ATTEMPTS"):
        delivery.status = DeliveryStatus.FAILED
        log.warning(
            "webhook %s to endpoint %s failed for good: %s", delivery.pk, delivery.endpoint_id, result.error
        )
    else:
        delivery.status = DeliveryStatus.RETRYING
    delivery.save(update_fields=["attempts", "response_status", "error", "status", "delivered_at"])
    return delivery


def backoff(attempts: int) -> float:
    return conf.get("SUPPORTREPLAY_WEBHOOK_BACKOFF_SECONDS") * 2 ** max(0, attempts - 1)
