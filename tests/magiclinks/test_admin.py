import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from magiclinks import services
from magiclinks.models import AgentApiToken, AuditEvent, MagicLink
from sessions.models import EndReason, RecordingSession, SessionState

from .factories import TARGET, make_agent, make_link

pytestmark = pytest.mark.django_db
ADD = "/admin/magiclinks/magiclink/add/"
HOST = {"HTTP_HOST": "127.0.0.1:8000"}


def add_form(**overrides) -> dict:
    return {
        "customer_name": "Dana Ruiz",
        "ticket_ref": "HD-1",
        "target_url": TARGET,
        "note": "Please show me the checkout.",
        "capture_console": "on",
        "capture_network": "on",
        "expires_in": str(24 * 3600),
        "max_sessions": "1",
        **overrides,
    }


def test_an_agent_creates_a_link_and_sees_its_url_exactly_once(client):
    agent = make_agent()
    client.force_login(agent)
    response = client.post(ADD, add_form(), **HOST)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    url = re.search(r'value="(http://127\.0\.0\.1:8000/l/[A-Za-z0-9_-]{43})"', html)[1]
    link = MagicLink.objects.get()
    token = url.rsplit("/", 1)[1]
    assert link.token_last4 == token[-4:]
    assert link.created_by == agent
    assert AuditEvent.objects.get(action="link.create").object_id == str(link.pk)
    for page in (f"/admin/magiclinks/magiclink/{link.pk}/change/", "/admin/magiclinks/magiclink/"):
        shown = client.get(page, **HOST).content.decode()
        assert token not in shown
        assert link.token_last4 in shown
    assert client.get(url.replace("http://127.0.0.1:8000", "")).status_code == 200


def test_the_add_form_refuses_a_foreign_target_origin(client):
    client.force_login(make_agent())
    response = client.post(ADD, add_form(target_url="https://evil.example/"), **HOST)
    assert response.status_code == 200
    assert "is not an allowed site" in response.content.decode()
    assert not MagicLink.objects.exists()


def test_plain_staff_cannot_create_links(client):
    staff = get_user_model().objects.create_user("staff", password="pw-staff-1", is_staff=True)
    client.force_login(staff)
    assert client.get(ADD, **HOST).status_code == 403
    assert client.post(ADD, add_form(), **HOST).status_code == 403
    assert not MagicLink.objects.exists()


def test_list_shows_status_and_filters_by_it(client):
    agent = make_agent()
    active = make_link(agent, customer_name="Active Ann")
    revoked = make_link(agent, customer_name="Revoked Rob")
    services.revoke_link(revoked.link, agent)
    client.force_login(agent)
    page = client.get("/admin/magiclinks/magiclink/?status=active", **HOST).content.decode()
    assert "Active Ann" in page
    assert "Revoked Rob" not in page
    page = client.get("/admin/magiclinks/magiclink/?q=Rob", **HOST).content.decode()
    assert "sr-badge-revoked" in page
    assert "Active Ann" not in page
    assert active.link.token_last4 in client.get("/admin/magiclinks/magiclink/", **HOST).content.decode()


def test_revoke_action_ends_live_sessions_and_is_audited(client, redis_db):
    agent = make_agent()
    created = make_link(agent, max_sessions=2)
    client.post(f"/l/{created.token}", {"choice": "accept"})
    session = RecordingSession.objects.get()
    client.force_login(agent)
    response = client.post(
        "/admin/magiclinks/magiclink/",
        {"action": "revoke_selected", "_selected_action": [created.link.pk]},
        **HOST,
    )
    assert response.status_code == 302
    created.link.refresh_from_db()
    session.refresh_from_db()
    assert created.link.revoked_at is not None
    assert (session.state, session.end_reason) == (SessionState.ENDED, EndReason.REVOKED)
    revoked = AuditEvent.objects.get(action="link.revoke", object_id=str(created.link.pk))
    assert revoked.detail["live_sessions"] == 1  # counted by sessions' receiver of link_revoked
    assert client.get(f"/l/{created.token}").status_code == 410
    assert services.revoke_link(created.link, agent) is False  # a second revoke does nothing


def test_revoke_button_on_the_link_page(client):
    agent = make_agent()
    created = make_link(agent)
    client.force_login(agent)
    page = client.get(f"/admin/magiclinks/magiclink/{created.link.pk}/change/", **HOST).content.decode()
    assert "Revoke link" in page
    assert client.get(f"/admin/magiclinks/magiclink/{created.link.pk}/revoke/", **HOST).status_code == 405
    client.post(f"/admin/magiclinks/magiclink/{created.link.pk}/revoke/", **HOST)
    created.link.refresh_from_db()
    assert created.link.revoked_at is not None


def test_audit_and_consent_records_are_read_only_in_the_admin(client):
    admin = get_user_model().objects.create_superuser("root", password="pw-root-1")
    created = make_link(admin)
    client.post(f"/l/{created.token}", {"choice": "decline"})
    client.force_login(admin)
    for model in ("auditevent", "consentrecord"):
        assert client.get(f"/admin/magiclinks/{model}/", **HOST).status_code == 200
        assert client.get(f"/admin/magiclinks/{model}/add/", **HOST).status_code == 403
        assert client.get(f"/admin/magiclinks/{model}/1/delete/", **HOST).status_code == 403


def test_api_token_admin_shows_the_new_token_once(client):
    admin = get_user_model().objects.create_superuser("root", password="pw-root-1")
    client.force_login(admin)
    response = client.post(
        "/admin/magiclinks/agentapitoken/add/", {"user": admin.pk, "name": "zendesk"}, **HOST
    )
    secret = re.search(r'value="(srk_[A-Za-z0-9_-]{43})"', response.content.decode())[1]
    token = AgentApiToken.objects.get()
    assert token.token_last4 == secret[-4:]
    assert (
        secret
        not in client.get(f"/admin/magiclinks/agentapitoken/{token.pk}/change/", **HOST).content.decode()
    )


@override_settings(SUPPORTREPLAY_ALLOWED_ORIGINS=[], SUPPORTREPLAY_PUBLIC_URL="https://support.example")
def test_the_site_itself_is_an_allowed_target_and_the_public_url_is_used(client):
    agent = make_agent()
    client.force_login(agent)
    html = client.post(ADD, add_form(target_url="https://support.example/demo/"), **HOST).content.decode()
    assert re.search(r'value="https://support\.example/l/[A-Za-z0-9_-]{43}"', html)
