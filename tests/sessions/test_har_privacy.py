"""The HAR export never decodes a stored value back: what was masked in one encoding stays masked."""

import json

from sessions.archive.chunking import Batch
from sessions.exports.har import build_har, query_pairs
from sessions.redaction import redact_events
from sessions.summary import summarize
from tests.support.events import meta_event, network_event

CARD, EMAIL = "4111 1111 1111 1111", "jane.doe@example.com"
URL = "http://app.test/search?q=4111%201111%201111%201111&who=jane.doe%40example.com&n=a+b%20c"


def test_query_pairs_are_split_but_not_decoded():
    assert query_pairs("http://a.test/x?q=%5Bcard%5D&b=a+b&flag&=v") == [
        {"name": "q", "value": "%5Bcard%5D"},
        {"name": "b", "value": "a+b"},
        {"name": "flag", "value": ""},
        {"name": "", "value": "v"},
    ]
    assert query_pairs("http://a.test/x") == []


def test_har_and_summary_of_an_echoed_card_and_email_hold_neither_in_any_encoding():
    events = redact_events([meta_event(href=URL), network_event(status=500, url=URL, name=URL)])
    batches = [Batch(tab="t", seq=0, ts=events[0]["timestamp"], events=events)]
    har = json.dumps(build_har(batches))
    summary = json.dumps(summarize(batches))
    for text in (har, summary):
        for secret in (CARD, CARD.replace(" ", ""), "4111%201111", EMAIL, "jane.doe%40example.com"):
            assert secret not in text
        assert "[card]" in text
        assert "[email]" in text
    entry = build_har(batches)["log"]["entries"][0]
    assert {"name": "n", "value": "a+b%20c"} in entry["request"]["queryString"]
