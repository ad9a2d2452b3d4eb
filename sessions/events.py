"""rrweb event vocabulary and the one exhaustive classifier every part of the pipeline uses.

Pure: no I/O. Ingest uses it to spot full snapshots and count errors, the archive to chunk and summarise,
the exports to build HAR and bug reports.

Our recorder's own custom events (rrweb type 5) carry these tags:
  sr.env      environment at start     {"userAgent", "browser", "os", "viewport", "screen", "dpr", ...}
  sr.error    JS error / rejection     {"kind": "error" | "unhandledrejection", "message", "stack", ...}
  sr.vitals   one Web Vital            {"name": "LCP" | "INP" | "CLS" | "TTFB" | "FCP", "value", "rating"}
  sr.longtask one long task            {"duration", "startTime"}
  sr.route    SPA route change         {"from", "to"}
Plugin events (rrweb type 6): "rrweb/console@1" {"level", "payload": [str], "trace": [str]} and
"rrweb/network@1" {"requests": [{"url", "method", "status", "startTime", "endTime", "initiatorType",
"requestHeaders", "responseHeaders", "requestBody", "responseBody"}]}.
"""

from collections.abc import Mapping
from enum import Enum, IntEnum
from typing import Any


class EventType(IntEnum):
    DOM_CONTENT_LOADED = 0
    LOAD = 1
    FULL_SNAPSHOT = 2
    INCREMENTAL_SNAPSHOT = 3
    META = 4
    CUSTOM = 5
    PLUGIN = 6


class IncrementalSource(IntEnum):
    MUTATION = 0
    MOUSE_MOVE = 1
    MOUSE_INTERACTION = 2
    SCROLL = 3
    VIEWPORT_RESIZE = 4
    INPUT = 5
    TOUCH_MOVE = 6
    MEDIA_INTERACTION = 7
    STYLE_SHEET_RULE = 8
    CANVAS_MUTATION = 9
    FONT = 10
    LOG = 11
    DRAG = 12
    STYLE_DECLARATION = 13
    SELECTION = 14
    ADOPTED_STYLE_SHEET = 15
    CUSTOM_ELEMENT = 16


class MouseInteraction(IntEnum):
    MOUSE_UP = 0
    MOUSE_DOWN = 1
    CLICK = 2
    CONTEXT_MENU = 3
    DBL_CLICK = 4
    FOCUS = 5
    BLUR = 6
    TOUCH_START = 7
    TOUCH_MOVE_DEPARTED = 8
    TOUCH_END = 9
    TOUCH_CANCEL = 10


CONSOLE_PLUGIN = "rrweb/console@1"
NETWORK_PLUGIN = "rrweb/network@1"
TAG_ENV = "sr.env"
TAG_ERROR = "sr.error"
TAG_VITALS = "sr.vitals"
TAG_LONGTASK = "sr.longtask"
TAG_ROUTE = "sr.route"


class Kind(Enum):
    FULL_SNAPSHOT = "full_snapshot"
    META = "meta"
    MUTATION = "mutation"
    MOUSE_MOVE = "mouse_move"
    CLICK = "click"
    MOUSE_OTHER = "mouse_other"
    INPUT = "input"
    SCROLL = "scroll"
    VIEWPORT = "viewport"
    CONSOLE = "console"
    CONSOLE_ERROR = "console_error"
    NETWORK = "network"
    NETWORK_FAILED = "network_failed"
    JS_ERROR = "js_error"
    ENVIRONMENT = "environment"
    VITALS = "vitals"
    LONG_TASK = "long_task"
    ROUTE = "route"
    OTHER = "other"


def is_failed_request(request: Mapping[str, Any]) -> bool:
    """A request failed when it got no answer (status 0 / missing) or an HTTP error status."""
    status = request.get("status")
    return not isinstance(status, int) or status == 0 or status >= 400


def classify(event: Mapping[str, Any]) -> Kind:
    """Classify one rrweb event. Unknown shapes are OTHER, never an exception."""
    etype = event.get("type")
    data = event.get("data")
    data = data if isinstance(data, Mapping) else {}
    if etype == EventType.FULL_SNAPSHOT:
        return Kind.FULL_SNAPSHOT
    if etype == EventType.META:
        return Kind.META
    if etype == EventType.INCREMENTAL_SNAPSHOT:
        source = data.get("source")
        if source == IncrementalSource.MUTATION:
            return Kind.MUTATION
        if source in (IncrementalSource.MOUSE_MOVE, IncrementalSource.TOUCH_MOVE, IncrementalSource.DRAG):
            return Kind.MOUSE_MOVE
        if source == IncrementalSource.MOUSE_INTERACTION:
            return Kind.CLICK if data.get("type") == MouseInteraction.CLICK else Kind.MOUSE_OTHER
        if source == IncrementalSource.INPUT:
            return Kind.INPUT
        if source == IncrementalSource.SCROLL:
            return Kind.SCROLL
        if source == IncrementalSource.VIEWPORT_RESIZE:
            return Kind.VIEWPORT
        return Kind.OTHER
    if etype == EventType.CUSTOM:
        return {
            TAG_ENV: Kind.ENVIRONMENT,
            TAG_ERROR: Kind.JS_ERROR,
            TAG_VITALS: Kind.VITALS,
            TAG_LONGTASK: Kind.LONG_TASK,
            TAG_ROUTE: Kind.ROUTE,
        }.get(data.get("tag"), Kind.OTHER)
    if etype == EventType.PLUGIN:
        plugin = data.get("plugin")
        payload = data.get("payload")
        payload = payload if isinstance(payload, Mapping) else {}
        if plugin == CONSOLE_PLUGIN:
            return Kind.CONSOLE_ERROR if payload.get("level") in ("error", "assert") else Kind.CONSOLE
        if plugin == NETWORK_PLUGIN:
            requests = payload.get("requests")
            if isinstance(requests, list) and any(
                isinstance(r, Mapping) and is_failed_request(r) for r in requests
            ):
                return Kind.NETWORK_FAILED
            return Kind.NETWORK
    return Kind.OTHER
