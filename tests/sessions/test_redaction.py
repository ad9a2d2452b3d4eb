"""Server-side redaction: credential headers dropped, card numbers masked (vectors cover the rest)."""

import pytest

from sessions.redaction import filter_headers, luhn_valid, mask_text, redact_events
from tests.support.events import console_event, network_event


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "cookie",
        "Set-Cookie",
        "X-API-Key",
        "proxy-authorization",
        "X-CSRF-Token",
        "X-Auth-User",
        "x-session-id",
        "X-My-Secret",
        "x-refresh-token",
        "X-Password-Hint",
        "x-xsrf-csrf",
    ],
)
def test_credential_headers_are_dropped(name):
    assert filter_headers({name: "v", "content-type": "text/html"}) == {"content-type": "text/html"}


def test_non_map_headers_become_empty():
    assert filter_headers(["authorization: x"]) == {}


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "paid with 5500005555555559 ok",
        "378282246310005",
    ],
)
def test_luhn_valid_card_numbers_are_masked(text):
    masked = mask_text(text)
    assert "[card]" in masked
    assert not any(ch.isdigit() for ch in masked.replace("[card]", "").strip())


@pytest.mark.parametrize("text", ["4111 1111 1111 1112", "order 1234567890123", "2026-11-22 10:00:00", "42"])
def test_other_numbers_stay(text):
    assert mask_text(text) == text


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


def test_network_events_lose_headers_and_cards_everywhere():
    event = network_event(
        requestHeaders={"Authorization": "Bearer abc", "Accept": "json"},
        responseHeaders={"Set-Cookie": "sid=1", "X-Note": "card 4111 1111 1111 1111"},
        requestBody={"card": "4111111111111111", "nested": ["5500 0055 5555 5559"]},
        responseBody="charged 4111-1111-1111-1111",
        url="http://testserver/pay?cc=4111111111111111",
    )
    [redacted] = redact_events([event])
    request = redacted["data"]["payload"]["requests"][0]
    assert request["requestHeaders"] == {"Accept": "json"}
    assert request["responseHeaders"] == {"X-Note": "card [card]"}
    assert request["requestBody"] == {"card": "[card]", "nested": ["[card]"]}
    assert request["responseBody"] == "charged [card]"
    assert request["url"] == "http://testserver/pay?cc=[card]"


def test_console_payload_and_trace_cards_are_masked():
    event = console_event("card is 4111 1111 1111 1111", level="warn", ts=1)
    event["data"]["payload"]["trace"] = ["at pay (4111111111111111.js:1)"]
    [redacted] = redact_events([event])
    assert redacted["data"]["payload"]["payload"] == ["card is [card]"]
    assert redacted["data"]["payload"]["trace"] == ["at pay ([card].js:1)"]
