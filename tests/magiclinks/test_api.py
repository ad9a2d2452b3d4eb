import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from magiclinks import apitokens
from magiclinks.models import AuditEvent, MagicLink

from .factories import TARGET, make_agent

pytestmark = pytest.mark.django_db
HOST = "127.0.0.1:8000"


def call(client, body, token: str | None = None, **extra):
    headers = {"HTTP_HOST": HOST}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/links", payload, content_type="application/json", **headers, **extra)


@pytest.fixture
def agent_token():
    _, secret = apitokens.create_api_token(make_agent())
    return secret


def test_api_creates_a_link_and_returns_its_url_and_expiry(client, agent_token):
    before = timezone.now()
    response = call(
        client,
        {
            "target_url": TARGET,
            "customer_name": "Dana",
            "ticket_ref": "HD-9",
            "expires": "2h",
            "mask_all_text": True,
        },
        agent_token,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["url"].startswith(f"http://{HOST}/l/")
    link = MagicLink.objects.get()
    assert link.token_last4 == body["url"][-4:]
    assert link.mask_all_text
    assert link.customer_name == "Dana"
    expires = parse_datetime(body["expires_at"])
    assert 7190 < (expires - before).total_seconds() < 7210
    assert AuditEvent.objects.filter(action="link.create").count() == 1
    assert client.get(body["url"].replace(f"http://{HOST}", "")).status_code == 200


def test_api_without_or_with_a_bad_token_answers_401_json(client, agent_token):
    for token in (None, "srk_" + "x" * 43, agent_token[:-1] + "!"):
        response = call(client, {"target_url": TARGET}, token)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert not MagicLink.objects.exists()


def test_api_with_a_revoked_token_answers_401(client):
    obj, secret = apitokens.create_api_token(make_agent())
    obj.revoked_at = timezone.now()
    obj.save()
    assert call(client, {"target_url": TARGET}, secret).status_code == 401


def test_api_token_of_a_user_without_the_permission_answers_403(client):
    staff = get_user_model().objects.create_user("staff", is_staff=True)
    _, secret = apitokens.create_api_token(staff)
    response = call(client, {"target_url": TARGET}, secret)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_api_validation_errors_are_json_with_field_messages(client, agent_token):
    bad_json = call(client, "{nope", agent_token)
    assert bad_json.status_code == 400
    assert bad_json.json()["error"] == "invalid"
    response = call(
        client, {"target_url": "https://evil.example/x", "expires": "30d", "colour": "red"}, agent_token
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"colour"}
    response = call(client, {"target_url": "https://evil.example/x", "expires": "30d"}, agent_token)
    assert set(response.json()["fields"]) == {"target_url", "expires"}
    response = call(client, {"target_url": TARGET, "max_sessions": "2", "mask_all_text": "yes"}, agent_token)
    assert set(response.json()["fields"]) == {"max_sessions", "mask_all_text"}
    assert not MagicLink.objects.exists()


def test_api_answers_405_to_get_and_needs_no_csrf_token(client, agent_token):
    response = client.get("/api/links", HTTP_HOST=HOST)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert call(strict, {"target_url": TARGET}, agent_token).status_code == 201
