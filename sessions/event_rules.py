"""What an rrweb event must *mean* before it is stored: the one place for event semantics at ingest.

Pure. `protocol.validate_events` checks the shape of a batch (types of values, depth, size); this module
checks the fields the rest of the pipeline reads, so an event that is stored can always be archived,
summarised, exported and replayed. Each rule names who relies on it; an event that breaks a rule raises
`BadEvent` and the consumer closes the socket with 4400 without storing or acking anything of the frame.

Fields nobody reads are not checked (rrweb adds fields over time): an unknown incremental `source` or
custom `tag` is stored as it is, and the pipeline classifies it as OTHER.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .assets import ASSET_TAG, URL_MAX_CHARS
from .events import CONSOLE_PLUGIN, NETWORK_PLUGIN, EventType, IncrementalSource

# 2000-01-01T00:00:00Z in ms. Timestamps are Date.now() values from the customer's browser; anything
# earlier is a broken clock or a forged event. The upper bound (now + SUPPORTREPLAY_MAX_CLOCK_AHEAD_HOURS)
# is passed in. Archive chunking (`int(ts)`), the mouse-move delta columns (ints below 2**62) and the
# report (`datetime.fromtimestamp`) all need a timestamp in this range.
MIN_TIMESTAMP_MS = 946_684_800_000
MAX_SAFE = 2**53 - 1  # what a JavaScript number (the player) holds exactly


class BadEvent(ValueError):
    """An event the pipeline could not use; the message says which rule it broke."""


def _number(value: Any) -> bool:
    kind = type(value)
    return (kind is int and -MAX_SAFE <= value <= MAX_SAFE) or (kind is float and math.isfinite(value))


def _int(value: Any) -> bool:
    return type(value) is int and -MAX_SAFE <= value <= MAX_SAFE


def _need(ok: bool, rule: str) -> None:
    if not ok:
        raise BadEvent(rule)


def _optional(data: dict, key: str, check: Callable[[Any], bool]) -> bool:
    return key not in data or data[key] is None or check(data[key])


def check_timestamp(ts: Any, max_ms: int) -> None:
    _need(type(ts) in (int, float) and _number(ts), "timestamp must be a number")
    _need(MIN_TIMESTAMP_MS <= ts <= max_ms, "timestamp out of range (before 2000 or in the future)")


def _position(p: Any) -> bool:
    return (
        type(p) is dict
        and _number(p.get("x"))
        and _number(p.get("y"))
        and _optional(p, "id", _int)
        and _optional(p, "timeOffset", _number)
    )


def _incremental(data: dict) -> None:
    source = data.get("source")
    _need(_int(source), "incremental snapshot source must be an integer")
    if source in (IncrementalSource.MOUSE_MOVE, IncrementalSource.TOUCH_MOVE, IncrementalSource.DRAG):
        # Archive mouse-move columns, the player's pointer.
        positions = data.get("positions")
        _need(type(positions) is list and all(map(_position, positions)), "positions must be {x, y} numbers")
    elif source == IncrementalSource.MOUSE_INTERACTION:
        # summary.find_rage_clicks (float(x), node id as a key), report steps (node id looked up).
        _need(_int(data.get("type")), "mouse interaction type must be an integer")
        _need(_optional(data, "id", _int), "mouse interaction id must be an integer")
        _need(_optional(data, "x", _number) and _optional(data, "y", _number), "x and y must be numbers")
    elif source == IncrementalSource.SCROLL:
        _need(_optional(data, "id", _int), "scroll id must be an integer")
        _need(_optional(data, "x", _number) and _optional(data, "y", _number), "x and y must be numbers")
    elif source == IncrementalSource.VIEWPORT_RESIZE:
        # batch_stats viewport, summary environment.
        _need(_number(data.get("width")) and _number(data.get("height")), "width and height must be numbers")
    elif source == IncrementalSource.INPUT:
        # report steps: consecutive input into one node id, masked text length.
        _need(_optional(data, "id", _int), "input id must be an integer")
        _need(_optional(data, "text", lambda v: type(v) is str), "input text must be a string")
    elif source == IncrementalSource.MUTATION:
        # report NodeIndex walks the added nodes.
        adds = data.get("adds", [])
        _need(type(adds) is list and all(type(a) is dict for a in adds), "mutation adds must be maps")
        _need(all(_optional(a, "node", lambda n: type(n) is dict) for a in adds), "added node must be a map")


def _meta(data: dict) -> None:
    # batch_stats page_url / viewport, summary pages, report "Opened <href>".
    _need(_optional(data, "href", lambda v: type(v) is str), "meta href must be a string")
    _need(_optional(data, "width", _number) and _optional(data, "height", _number), "width/height numbers")


def _map_payload(data: dict) -> dict:
    payload = data.get("payload")
    _need(payload is None or type(payload) is dict, "payload must be a map")
    return payload or {}


def _custom(data: dict) -> None:
    # classify() reads the tag; summary/report read payload.to, payload.message, payload.stack.
    _need(type(data.get("tag")) is str, "custom event tag must be a string")
    payload = _map_payload(data)
    if data["tag"] == ASSET_TAG:
        _asset(payload)


def _asset(payload: dict) -> None:
    # The player maps `url` to /sessions/<id>/assets/<sha256>; sessions/assets.extract reads `data`
    # (and refuses a file that is not what it says without closing the socket).
    url = payload.get("url")
    _need(type(url) is str and 0 < len(url) <= URL_MAX_CHARS, "asset url must be a short string")
    _need(type(payload.get("sha256")) is str, "asset sha256 must be a string")
    _need(type(payload.get("mime")) is str, "asset mime must be a string")
    _need(_optional(payload, "data", lambda v: type(v) is str), "asset data must be base64 text")


def _plugin(data: dict) -> None:
    plugin = data.get("plugin")
    _need(type(plugin) is str, "plugin name must be a string")
    payload = _map_payload(data)
    if plugin == CONSOLE_PLUGIN:
        # summary.console_message / error stacks join these lists.
        _need(_optional(payload, "level", lambda v: type(v) is str), "console level must be a string")
        _need(_optional(payload, "trace", lambda v: type(v) is list), "console trace must be a list")
    elif plugin == NETWORK_PLUGIN:
        # batch_stats / summary.request_rows / the HAR export iterate the requests.
        requests = payload.get("requests", [])
        _need(type(requests) is list and all(type(r) is dict for r in requests), "requests must be maps")


def _full_snapshot(data: dict) -> None:
    # The chunker cuts here, the report indexes the tree, the player rebuilds the DOM from it.
    _need(type(data.get("node")) is dict, "full snapshot node must be a map")


_BY_TYPE: dict[int, Callable[[dict], None]] = {
    EventType.FULL_SNAPSHOT: _full_snapshot,
    EventType.INCREMENTAL_SNAPSHOT: _incremental,
    EventType.META: _meta,
    EventType.CUSTOM: _custom,
    EventType.PLUGIN: _plugin,
}


def check_event(event: dict, max_timestamp_ms: int) -> None:
    """Raise BadEvent when a stored copy of `event` would break a reader. `event` has passed the shape
    checks already: a map with an integer rrweb `type`, a numeric `timestamp` and a map `data`."""
    check_timestamp(event["timestamp"], max_timestamp_ms)
    rule = _BY_TYPE.get(event["type"])
    if rule is not None:
        rule(event["data"])


def check_tree_node(node: dict) -> None:
    """Rules for every map inside an event (run by the depth walker, which visits them all anyway):
    a DOM node's `childNodes` is a list (report.NodeIndex and the player iterate it)."""
    children = node.get("childNodes")
    if children is not None and type(children) is not list:
        raise BadEvent("childNodes must be a list")
