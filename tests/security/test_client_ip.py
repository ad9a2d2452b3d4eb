"""Client addresses behind proxies: X-Forwarded-For is read right to left, only from TRUSTED_PROXIES, so a
client cannot choose the address the link rate limit, the consent record and the audit trail see."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from magiclinks.apitokens import create_api_token
from magiclinks.models import AuditEvent, ConsentRecord
from supportreplay.clientip import client_address, scope_client_ip
from tests.magiclinks.factories import link_path, make_agent, make_link

PROXY = "10.0.0.5"
REAL = "203.0.113.9"


def meta(peer: str, forwarded: str | None = None) -> dict:
    values = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        values["HTTP_X_FORWARDED_FOR"] = forwarded
    return values


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address(meta(REAL, "1.2.3.4"), trusted=[]) == REAL


def test_a_client_talking_to_daphne_directly_cannot_spoof_even_when_proxies_are_configured():
    assert client_address(meta(REAL, "1.2.3.4"), trusted=[PROXY]) == REAL


def test_the_rightmost_untrusted_hop_is_the_client():
    # The client wrote "1.2.3.4, 5.6.7.8"; our proxy appended the address it saw.
    forwarded = f"1.2.3.4, 5.6.7.8, {REAL}"
    assert client_address(meta(PROXY, forwarded), trusted=[PROXY]) == REAL


def test_chains_of_trusted_proxies_and_networks_are_skipped():
    forwarded = f"1.2.3.4, {REAL}, 172.16.3.4"
    assert client_address(meta(PROXY, forwarded), trusted=["10.0.0.0/8", "172.16.0.0/12"]) == REAL


def test_garbage_in_the_header_never_becomes_the_address():
    assert client_address(meta(PROXY, "not-an-ip"), trusted=[PROXY]) == PROXY
    assert client_address(meta(PROXY, f"{REAL}:5123"), trusted=[PROXY]) == REAL
    assert client_address(meta(PROXY, "[2001:db8::7]:443"), trusted=[PROXY]) == "2001:db8::7"
    assert client_address({"REMOTE_ADDR": ""}, trusted=[PROXY]) is None


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_websocket_scopes_follow_the_same_rule():
    scope = {"client": (PROXY, 4000), "headers": [(b"x-forwarded-for", f"6.6.6.6, {REAL}".encode())]}
    assert scope_client_ip(scope) == REAL


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY], SUPPORTREPLAY_LINK_RATE_PER_MINUTE=20)
def test_thirty_spoofed_requests_through_the_proxy_still_hit_the_rate_limit(client, redis_db):
    statuses = [
        client.get(
            "/l/" + "B" * 43, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {REAL}"
        ).status_code
        for n in range(30)
    ]
    assert statuses[:20] == [410] * 20
    assert set(statuses[20:]) == {429}


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_consent_and_audit_records_carry_the_real_address(client, redis_db):
    created = make_link()
    response = client.post(
        link_path(created), {"choice": "accept"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {REAL}"
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.get(link=created.link).ip_address == REAL


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_audit_records_of_the_helpdesk_api_carry_the_real_address(client, redis_db):
    agent = make_agent("helpdesk-bot")
    agent.user_permissions.add(Permission.objects.get(codename="add_magiclink"))
    _, secret = create_api_token(agent)
    response = client.post(
        "/api/links",
        json.dumps({"target_url": "http://127.0.0.1/demo/"}),
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {REAL}",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.content
    assert list(AuditEvent.objects.values_list("ip_address", flat=True)) == [REAL]
