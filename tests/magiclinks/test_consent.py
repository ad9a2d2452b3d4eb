import hashlib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from magiclinks import services
from magiclinks.models import ConsentDecision, ConsentRecord, MagicLink
from sessions import credentials
from sessions.models import RecordingSession, SessionState

from .factories import link_path, make_agent, make_link, shown_notice

pytestmark = pytest.mark.django_db


def accept(client, created, **extra):
    return client.post(link_path(created), {"choice": "accept"}, **extra)


def test_get_shows_the_consent_page_and_changes_nothing(client):
    created = make_link(note="We'd like to see the checkout error.", customer_name="Dana")
    before = MagicLink.objects.values().get(pk=created.link.pk)
    response = client.get(link_path(created))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Start sharing" in html
    assert "No thanks" in html
    assert "We&#x27;d like to see the checkout error." in html
    assert MagicLink.objects.values().get(pk=created.link.pk) == before
    assert not ConsentRecord.objects.exists()
    assert not RecordingSession.objects.exists()


def test_consent_page_headers_are_private_and_strict(client):
    created = make_link()
    response = client.get(link_path(created))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "form-action 'self' http://127.0.0.1:8000" in csp
    assert "<script>" not in response.content.decode()  # no inline script at all


def test_five_gets_then_post_accepts_and_redirects_with_a_credential(client):
    created = make_link()
    for _ in range(5):
        assert client.get(link_path(created)).status_code == 200
    assert MagicLink.objects.get(pk=created.link.pk).sessions_used == 0
    response = accept(client, created, HTTP_USER_AGENT="Test Browser 1.0", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    target, _, fragment = response["Location"].partition("#")
    assert target == "http://127.0.0.1:8000/demo/"
    assert fragment.startswith("sr=")
    session = RecordingSession.objects.get()
    assert credentials.verify(fragment[3:]) == session.id
    assert session.state == SessionState.LIVE
    assert session.link_id == created.link.pk
    consent = session.consent
    assert consent.decision == ConsentDecision.ACCEPTED
    assert (consent.ip_address, consent.user_agent) == ("203.0.113.9", "Test Browser 1.0")
    assert MagicLink.objects.get(pk=created.link.pk).sessions_used == 1


def test_consent_record_holds_the_hash_of_the_notice_actually_rendered(client):
    created = make_link(note="Line one\nline two", capture_network_bodies=True, mask_all_text=True)
    page = client.get(link_path(created)).content.decode()
    notice = shown_notice(page)
    assert "All text on the page" in notice
    assert "content sent and received" in notice
    posted = page.split('name="notice_sha256" value="')[1].split('"')[0]
    client.post(link_path(created), {"choice": "accept", "notice_sha256": posted})
    record = ConsentRecord.objects.get()
    assert record.notice_sha256 == hashlib.sha256(notice.encode()).hexdigest() == posted
    assert record.notice_version


def test_notice_reflects_capture_options():
    agent = make_agent()
    plain = services.create_link(
        agent, target_url="http://localhost/", capture_console=False, capture_network=False
    )
    page = shown_notice(str(services.render_notice(plain.link).html))
    assert "browser console" in page
    assert "Network requests." in page
    assert "Which requests those pages make" not in page


def test_post_with_a_stale_notice_records_nothing_and_shows_the_new_notice(client):
    created = make_link()
    response = client.post(link_path(created), {"choice": "accept", "notice_sha256": "0" * 64})
    assert response.status_code == 200
    assert "changed since you opened it" in response.content.decode()
    assert not ConsentRecord.objects.exists()
    assert not RecordingSession.objects.exists()


def test_decline_records_the_refusal_and_nothing_else(client):
    created = make_link()
    response = client.post(link_path(created), {"choice": "decline"})
    assert response.status_code == 200
    assert "Nothing was recorded" in response.content.decode()
    assert ConsentRecord.objects.get().decision == ConsentDecision.DECLINED
    assert not RecordingSession.objects.exists()
    assert MagicLink.objects.get(pk=created.link.pk).sessions_used == 0


def _gone_body(client, path: str, method: str = "get") -> bytes:
    response = getattr(client, method)(path, {"choice": "accept"} if method == "post" else None)
    assert response.status_code == 410
    assert response["Cache-Control"] == "no-store"
    return response.content


def test_expired_used_revoked_and_unknown_links_answer_the_same_410(client):
    agent = make_agent()
    expired = make_link(agent)
    MagicLink.objects.filter(pk=expired.link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    used = make_link(agent)
    assert accept(client, used).status_code == 302
    revoked = make_link(agent)
    services.revoke_link(revoked.link, agent)
    unknown = "/l/" + "A" * 43
    bodies = {
        _gone_body(client, path, method)
        for path in (link_path(expired), link_path(used), link_path(revoked), unknown, "/l/short")
        for method in ("get", "post")
    }
    assert len(bodies) == 1
    body = bodies.pop().decode()
    assert "no longer available" in body
    for created in (expired, used, revoked):
        assert created.token not in body
        assert created.token[-4:] not in body


def test_a_cross_site_post_is_refused(client):
    created = make_link()
    response = accept(client, created, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    response = accept(client, created, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert not RecordingSession.objects.exists()
    # Our own page (no-referrer policy) posts with Origin: null and Sec-Fetch-Site: same-origin.
    assert accept(client, created, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin").status_code == 302


@override_settings(SUPPORTREPLAY_LINK_RATE_PER_MINUTE=20)
def test_more_than_20_link_requests_a_minute_from_one_ip_answer_429(client):
    created = make_link()
    statuses = [client.get(link_path(created), REMOTE_ADDR="198.51.100.7").status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    limited = client.get("/l/" + "B" * 43, REMOTE_ADDR="198.51.100.7")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert created.token not in limited.content.decode()
    # Another address is not affected.
    assert client.get(link_path(created), REMOTE_ADDR="198.51.100.8").status_code == 200


def test_max_sessions_allows_that_many_accepts(client):
    created = make_link(max_sessions=2)
    assert accept(client, created).status_code == 302
    assert accept(client, created).status_code == 302
    assert accept(client, created).status_code == 410
    assert RecordingSession.objects.filter(link=created.link).count() == 2
