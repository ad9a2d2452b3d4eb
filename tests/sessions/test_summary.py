"""Session summary: counts, pages, markers (rage clicks included), environment."""

from sessions.archive.chunking import Batch
from sessions.summary import find_rage_clicks, summarize
from tests.support.events import (
    T0,
    as_batches,
    checkout_session,
    click_event,
    environment_event,
    full_snapshot_event,
    input_event,
    js_error,
    meta_event,
    payment_error_log,
    payment_request,
)


def test_summary_counts_clicks_inputs_errors_and_failed_requests():
    batches = [
        Batch("t", 0, T0, [environment_event(T0), meta_event(T0), full_snapshot_event(T0)]),
        Batch(
            "t", 1, T0 + 1000, [click_event(T0 + 1000, x=10), input_event(T0 + 1100), input_event(T0 + 1200)]
        ),
        Batch(
            "t",
            2,
            T0 + 5000,
            [payment_request(T0 + 5000, status=500), payment_request(T0 + 5100, status=200)],
        ),
        Batch("t", 3, T0 + 6000, [payment_error_log(T0 + 6000), js_error(ts=T0 + 6010)]),
        Batch(
            "t",
            4,
            T0 + 9000,
            [meta_event(T0 + 9000, href="https://shop.example/thanks"), full_snapshot_event(T0 + 9000)],
        ),
    ]
    summary = summarize(batches, stored_bytes=10, raw_bytes=40)
    assert summary["clicks"] == 1
    assert summary["inputs"] == 2
    assert summary["console_errors"] == 1
    assert summary["js_errors"] == 1
    assert summary["requests"] == 2
    assert summary["failed_requests"] == 1
    assert summary["duration_ms"] == 9000
    assert [p["url"] for p in summary["pages"]] == [
        "https://shop.example/cart",
        "https://shop.example/thanks",
    ]
    assert summary["environment"]["browser"] == "Chrome 131"
    assert (summary["raw_bytes"], summary["stored_bytes"]) == (40, 10)
    assert [m["kind"] for m in summary["markers"]] == ["failed_request", "error", "error", "navigation"]
    assert summary["failed"][0]["status"] == 500
    assert summary["failed"][0]["duration_ms"] == 240.5
    assert "at pay" in summary["errors"][0]["stack"]


def test_three_clicks_within_a_second_on_one_spot_are_a_rage_click():
    clicks = [(T0, 8, 100, 100), (T0 + 300, 8, 102, 101), (T0 + 900, 8, 99, 100)]
    assert len(find_rage_clicks(clicks)) == 1


def test_clicks_spread_over_time_or_space_are_not_rage_clicks():
    slow = [(T0, 8, 100, 100), (T0 + 600, 8, 100, 100), (T0 + 1300, 8, 100, 100)]
    apart = [(T0, 1, 0, 0), (T0 + 100, 2, 300, 0), (T0 + 200, 3, 600, 0)]
    assert find_rage_clicks(slow) == []
    assert find_rage_clicks(apart) == []


def test_rage_click_appears_as_a_marker():
    summary = summarize(as_batches(checkout_session(minutes=2)))
    assert summary["rage_clicks"] == 1
    assert "rage_click" in {m["kind"] for m in summary["markers"]}
