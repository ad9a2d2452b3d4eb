"""Webhook bodies and signatures (pure): Slack text escaped, generic JSON as documented, HMAC verifiable."""

from __future__ import annotations

from webhooks import payloads, signing

FACTS = {
    "link": {"id": 3, "ticket": "<!channel> T-1 & co", "ticket_url": "", "agent": "jdoe"},
    "session": {"id": "s-1", "errors": 2, "failed_requests": 1, "end_reason": "Idle timeout",
                "replay_url": "https://sr.example/sessions/s-1/", "live_url": "https://sr.example/sessions/s-1/live"},
}  # fmt: skip


def test_slack_text_escapes_control_characters_and_links_to_the_replay():
    body = payloads.render("slack", "session_archived", "d-1", "2026-12-01T00:00:00+00:00", FACTS)
    assert body == {
        "text": "*Replay ready* · ticket &lt;!channel&gt; T-1 &amp; co · link by jdoe · Idle timeout · "
        "2 errors, 1 failed requests · <https://sr.example/sessions/s-1/|Open replay>"
    }
    accepted = payloads.render("slack", "link_accepted", "d-2", "t", FACTS)["text"]
    assert accepted.endswith("<https://sr.example/sessions/s-1/live|Watch live>")


def test_generic_body_carries_event_delivery_time_and_facts():
    body = payloads.render("generic", "session_ended", "d-1", "2026-12-01T00:00:00+00:00", FACTS)
    assert body == {
        "event": "session_ended",
        "delivery": "d-1",
        "occurred_at": "2026-12-01T00:00:00+00:00",
        **FACTS,
    }


def test_signature_binds_timestamp_and_body_and_old_timestamps_are_refused():
    body = b'{"event":"session_ended"}'
    header = signing.signature("s3cret", 1_764_600_000, body)
    assert header.startswith("sha256=")
    assert signing.verify("s3cret", 1_764_600_000, body, header, now=1_764_600_010)
    assert not signing.verify("s3cret", 1_764_600_001, body, header, now=1_764_600_010)  # other timestamp
    assert not signing.verify("s3cret", 1_764_600_000, body + b" ", header, now=1_764_600_010)  # other body
    assert not signing.verify("s3cret", 1_764_600_000, body, header, now=1_764_600_000 + 301)  # too old
