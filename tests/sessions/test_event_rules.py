"""Event semantics at ingest: what the archive, summary, exports and player read means what they expect."""

import pytest

from sessions.event_rules import MIN_TIMESTAMP_MS, BadEvent, check_event
from tests.support.events import (
    T0,
    console_event,
    full_snapshot_event,
    meta_event,
    mouse_move_event,
    network_event,
)

NOW = T0 + 1000
MAX_TS = NOW + 24 * 3600 * 1000


def click(**data):
    return {"type": 3, "timestamp": T0, "data": {"source": 2, "type": 2, "id": 7, "x": 1, "y": 2, **data}}


@pytest.mark.parametrize(
    "event",
    [
        meta_event(),
        full_snapshot_event(),
        mouse_move_event(),
        console_event("hello", ts=T0),
        network_event(status=500, ts=T0),
        click(),
        click(x=1.5, y=None),  # focus/blur carry no coordinates
        {"type": 3, "timestamp": T0, "data": {"source": 99, "anything": "new rrweb source"}},
        {"type": 5, "timestamp": T0 + 0.5, "data": {"tag": "sr.route", "payload": {"to": "/x"}}},
        {"type": 4, "timestamp": MIN_TIMESTAMP_MS, "data": {"href": "http://x/", "width": 1, "height": 1}},
        {"type": 4, "timestamp": MAX_TS, "data": {"href": "http://x/", "width": 1, "height": 1}},
    ],
)
def test_real_events_pass(event):
    check_event(event, MAX_TS)


@pytest.mark.parametrize(
    "event",
    [
        click(x="abc"),
        click(y=[1]),
        click(id="5"),
        click(id=[1]),
        click(x=2**64 - 1),
        {**meta_event(), "timestamp": 2**64 - 1},
        {**meta_event(), "timestamp": 1e300},
        {**meta_event(), "timestamp": MIN_TIMESTAMP_MS - 1},
        {**meta_event(), "timestamp": MAX_TS + 1},
        {"type": 4, "timestamp": T0, "data": {"href": 5}},
        {"type": 3, "timestamp": T0, "data": {"source": "2"}},
        {"type": 3, "timestamp": T0, "data": {"source": 1, "positions": [{"x": "1", "y": 2}]}},
        {"type": 3, "timestamp": T0, "data": {"source": 4, "width": "wide", "height": 1}},
        {"type": 3, "timestamp": T0, "data": {"source": 5, "id": 1, "text": 5}},
        {"type": 3, "timestamp": T0, "data": {"source": 0, "adds": [{"node": "x"}]}},
        {"type": 2, "timestamp": T0, "data": {"node": []}},
        {"type": 5, "timestamp": T0, "data": {"tag": 1}},
        {"type": 5, "timestamp": T0, "data": {"tag": "sr.route", "payload": "/x"}},
        {"type": 6, "timestamp": T0, "data": {"plugin": "rrweb/console@1", "payload": {"trace": "x"}}},
        {"type": 6, "timestamp": T0, "data": {"plugin": "rrweb/network@1", "payload": {"requests": [1]}}},
    ],
)
def test_events_that_would_break_a_reader_are_refused(event):
    with pytest.raises(BadEvent):
        check_event(event, MAX_TS)
