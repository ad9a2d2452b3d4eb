"""Webhook endpoints in the admin: the shared secret is write-only (last 4 shown), URLs must be http(s)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

SECRET = "whsec-do-not-show-7f3a"


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-not-used")
    client.force_login(user)
    return client


def form(**overrides):
    data = {
        "name": "ops",
        "url": "https://hooks.example/sr",
        "format": "generic",
        "events": ["session_ended"],
        "secret": SECRET,
        "active": "on",
    }
    return {**data, **overrides}


def test_secret_is_stored_for_signing_but_only_its_last_4_are_ever_shown(admin_client):
    response = admin_client.post("/admin/webhooks/webhookendpoint/add/", form())
    assert response.status_code == 302, response.content
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == SECRET
    listing = admin_client.get("/admin/webhooks/webhookendpoint/").content.decode()
    change = admin_client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert "…7f3a" in listing
    assert SECRET not in listing
    assert SECRET not in change
    # Saving without typing a secret keeps the current one.
    admin_client.post(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/", form(secret="", name="ops 2"))
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.secret) == ("ops 2", SECRET)


def test_only_http_urls_are_accepted(admin_client):
    response = admin_client.post("/admin/webhooks/webhookendpoint/add/", form(url="ftp://hooks.example/x"))
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()
