"""Webhooks end to end: domain events from the real services, a real Celery worker POSTing to a real local
HTTP receiver, HMAC signatures checked as a receiver would, retries with backoff, deliveries recorded."""

from __future__ import annotations

import json
import time

import pytest

from magiclinks import services as links
from sessions.models import EndReason
from sessions.services import end_session
from supportreplay import consent
from tests.helpers.processes import celery_worker
from tests.magiclinks.factories import make_agent
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session
from tests.support.waiting import wait_for
from tests.webhooks.receiver import receiver
from webhooks import signing
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

ALL = ["link_accepted", "link_declined", "session_started", "session_ended", "session_archived"]
SECRET = "whsec-shared-by-the-admin-7f3a"
CLIENT = links.ClientInfo(ip="203.0.113.9", user_agent="test")


def test_events_are_signed_posted_retried_and_recorded_without_tokens(redis_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    agent = make_agent("jdoe", permitted=False, staff=False)
    with (
        receiver() as generic_rx,
        receiver(failures=[503, 500]) as slack_rx,
        celery_worker(MEDIA_ROOT=settings.MEDIA_ROOT),
    ):
        WebhookEndpoint.objects.create(name="ops", url=f"{generic_rx.url}/hook", secret=SECRET, events=ALL)
        WebhookEndpoint.objects.create(
            name="slack", url=f"{slack_rx.url}/slack", format="slack", events=["link_accepted"]
        )
        WebhookEndpoint.objects.create(name="off", url=f"{generic_rx.url}/off", events=ALL, active=False)

        declined = links.create_link(agent, target_url="http://localhost/demo/", ticket_ref="T-7",
                                     customer_name="Jane Doe", customer_email="jane@example.com")  # fmt: skip
        links.decline(declined.token, shown_notice_sha256=None, client=CLIENT)
        created = links.create_link(agent, target_url="http://localhost/demo/", ticket_ref="T-8",
                                    customer_name="Jane Doe", customer_email="jane@example.com")  # fmt: skip
        accepted = consent.accept(created.token, shown_notice_sha256=None, client=CLIENT)
        session_id = accepted.session.pk
        from sessions import credentials

        ingest(credentials.issue(session_id), checkout_session(minutes=1), stop=False)
        assert end_session(session_id, EndReason.STOP)  # queues the archive: the worker archives it

        def all_delivered():
            done = WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
            return done == 6 and len(generic_rx.requests) == 5

        wait_for(all_delivered, timeout=60)

    events = [r.headers["x-supportreplay-event"] for r in generic_rx.requests]
    assert sorted(events) == sorted(ALL)
    assert not any(r.path == "/off" for r in generic_rx.requests)
    for request in generic_rx.requests:
        timestamp = int(request.headers[signing.TIMESTAMP_HEADER.lower()])
        signature = request.headers[signing.SIGNATURE_HEADER.lower()]
        assert signing.verify(SECRET, timestamp, request.body, signature, now=int(time.time()))
        assert not signing.verify("wrong-secret", timestamp, request.body, signature, now=int(time.time()))
        body = json.loads(request.body)
        assert body["event"] == request.headers["x-supportreplay-event"]
        assert body["delivery"] == request.headers["x-supportreplay-delivery"]
        for secret in (
            created.token,
            declined.token,
            accepted.redirect_url.split("#sr=")[1],
            "jane@example.com",
        ):
            assert secret not in request.body.decode()
    archived = next(json.loads(r.body) for r in generic_rx.requests if b'"session_archived"' in r.body)
    assert archived["session"]["id"] == str(session_id)
    assert archived["session"]["replay_url"].endswith(f"/sessions/{session_id}/")
    assert archived["link"] == {"id": created.link.pk, "ticket": "T-8", "ticket_url": "", "agent": "jdoe"}

    # Slack: failed twice (503, 500), delivered on the third attempt, Slack's own body shape.
    assert len(slack_rx.requests) == 3
    assert json.loads(slack_rx.requests[-1].body)["text"].startswith(
        "*Customer started sharing* · ticket T-8"
    )
    slack = WebhookDelivery.objects.get(endpoint__name="slack")
    assert (slack.status, slack.attempts, slack.response_status) == (DeliveryStatus.DELIVERED, 3, 200)
    assert signing.SIGNATURE_HEADER.lower() not in slack_rx.requests[0].headers  # no secret, no signature


def test_an_endpoint_that_never_answers_is_marked_failed_after_the_last_attempt(redis_db):
    agent = make_agent(permitted=False, staff=False)
    with receiver(failures=[500] * 10) as rx, celery_worker():
        WebhookEndpoint.objects.create(name="down", url=rx.url, events=["link_declined"])
        created = links.create_link(agent, target_url="http://localhost/demo/")
        links.decline(created.token, shown_notice_sha256=None, client=CLIENT)
        wait_for(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).exists(), timeout=30)
    delivery = WebhookDelivery.objects.get()
    # Six attempts (the default), 0.2 s doubling between them in the test settings.
    assert (delivery.attempts, delivery.response_status, delivery.error) == (6, 500, "HTTP 500")
    assert len(rx.requests) == 6
