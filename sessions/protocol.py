"""The ingest wire protocol: bytes in, a typed frame out (or a ProtocolError carrying the close code).

Pure: no I/O, no Django. The consumer calls `decode_frame` on every websocket message and maps a
`ProtocolError` to its close code, so one bad frame can never reach Redis or crash the server.
docs/PROTOCOL.md describes the same rules for client authors.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal, TypedDict

import msgpack

from . import event_rules
from .events import EventType, Kind, classify, is_failed_request


class CloseCode(IntEnum):
    NORMAL = 1000
    SERVER_ERROR = 1011  # server trouble: the client retries with backoff
    MALFORMED = 4400
    BAD_CREDENTIAL = 4401
    ORIGIN_NOT_ALLOWED = 4403
    PARTS_TIMEOUT = 4408  # a parts batch not completed in time: reconnect, resend its parts
    NOT_THIS_BROWSER = 4409  # the credential belongs to another browser (sessions/device_binding.py)
    SESSION_ENDED = 4410
    FRAME_TOO_LARGE = 4413
    QUOTA_EXCEEDED = 4420  # the session stored its SUPPORTREPLAY_SESSION_MAX_BYTES: stop recording
    RATE_LIMITED = 4429  # also: too many sockets for the session, the process's part buffer full


class ProtocolError(Exception):
    """A frame the server refuses; `code` is the websocket close code to answer with."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    def __reduce__(self):
        # Raised in a validation worker process and re-raised in daphne (sessions/ingest_prepare.py).
        return (type(self), (self.code, self.reason))


# --- Client -> server frames -------------------------------------------------------------------------


class HelloFrame(TypedDict):
    t: Literal["hello"]
    cred: str
    tab: str
    page: int
    dev: str  # the browser's device secret ("" when absent)


class EventsFrame(TypedDict):
    t: Literal["events"]
    seq: int
    events: list[dict[str, Any]]


class PartFrame(TypedDict):
    t: Literal["part"]
    seq: int
    i: int
    n: int
    data: bytes


class ByeFrame(TypedDict):
    t: Literal["bye"]
    reason: Literal["stop", "unload"]


ClientFrame = HelloFrame | EventsFrame | PartFrame | ByeFrame

# --- Server -> client frames -------------------------------------------------------------------------


class ReadyOptions(TypedDict):
    console: bool
    network: bool
    bodies: bool
    mask_all_text: bool
    assets: bool  # capture images and fonts (sessions/assets.py); off with "mask all text"
    checkout_ms: int
    company: str
    max_frame: int


class ReadyFrame(TypedDict):
    t: Literal["ready"]
    acked: int
    options: ReadyOptions


class AckFrame(TypedDict):
    t: Literal["ack"]
    seq: int


class CommandFrame(TypedDict):
    t: Literal["snapshot", "stop"]


def encode(frame: ReadyFrame | AckFrame | CommandFrame) -> bytes:
    return msgpack.packb(frame, use_bin_type=True)


# --- Limits ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    max_frame_bytes: int = 1024 * 1024
    max_events: int = 2000
    # Real DOM snapshots nest deeply (a node is a map, its childNodes a list: two levels per element);
    # 500 keeps them, while protecting every later recursive reader (JSON export, the player).
    max_depth: int = 500
    max_parts: int = 32
    # Before hello nothing but this many bytes is ever decoded (a hello is ~200 bytes).
    max_hello_bytes: int = 4096
    # At most one msgpack value (map entry counts two: key and value) per this many bytes, plus
    # VALUE_ALLOWANCE: decoding and walking cost is then linear in the bytes with a small constant. Real
    # rrweb batches have 3.3 bytes per value or more; a frame of empty maps has 1.
    min_bytes_per_value: int = 2
    max_parts_bytes: int = 16 * 1024 * 1024
    max_clock_ahead_ms: int = 24 * 3600 * 1000

    @property
    def max_batch_bytes(self) -> int:
        return min(self.max_parts * self.max_frame_bytes, self.max_parts_bytes)

    def max_values(self, size: int) -> int:
        return size // max(1, self.min_bytes_per_value) + VALUE_ALLOWANCE


VALUE_ALLOWANCE = 1024
TAB_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
DEVICE_RE = re.compile(r"[A-Za-z0-9_-]{0,128}")
MAX_SEQ = 2**53 - 1  # what a JavaScript number holds exactly
VALID_EVENT_TYPES = frozenset(int(t) for t in EventType)
_SCALARS = frozenset({str, int, bool, type(None)})


def _malformed(reason: str) -> ProtocolError:
    return ProtocolError(CloseCode.MALFORMED, reason)


class _TooDense(Exception):
    pass


def _unpack(data: bytes | memoryview, max_values: int | None = None) -> Any:
    """msgpack to Python objects, refusing more than `max_values` values on the way.

    The count happens in msgpack's list and map hooks, so a dense frame is refused after reading
    `max_values` values, not after building all of them; the hooks also let another thread take the
    GIL while a big batch decodes off the event loop.
    """
    hooks: dict[str, Any] = {}
    if max_values is not None:
        left = max_values

        def counted(container: Any) -> Any:
            nonlocal left
            left -= len(container) * (2 if type(container) is dict else 1)
            if left < 0:
                raise _TooDense
            return container

        hooks = {"object_hook": counted, "list_hook": counted}
    try:
        # raw=False: strings must be valid UTF-8; strict_map_key: map keys str or bytes only.
        # msgpack's own C stack caps nesting at 1024, so unpacking itself cannot recurse without bound.
        return msgpack.unpackb(data, raw=False, strict_map_key=True, use_list=True, **hooks)
    except _TooDense:
        raise _malformed("too many values for the frame's size") from None
    except Exception as exc:  # msgpack raises several unrelated types (ValueError, StackError, ...)
        raise _malformed(f"not msgpack: {type(exc).__name__}") from None


def _is_int(value: Any) -> bool:
    return type(value) is int  # bool is an int subclass: refuse it


def _seq(value: Any) -> int:
    if not _is_int(value) or not 0 <= value <= MAX_SEQ:
        raise _malformed("seq must be an integer >= 0")
    return value


def decode_hello(data: bytes | None, limits: Limits) -> HelloFrame:
    """The only decoding done before a credential is verified: a small binary hello, or a refusal.

    Size first (O(1)), then at most `max_hello_bytes` are unpacked: an unauthenticated client cannot
    make the server parse, validate or buffer anything bigger.
    """
    if not isinstance(data, bytes | bytearray):
        raise _malformed("frames are binary msgpack")
    if len(data) > limits.max_hello_bytes:
        raise ProtocolError(CloseCode.BAD_CREDENTIAL, "hello expected first (and small)")
    frame = _unpack(bytes(data), max_values=64)
    if not isinstance(frame, dict) or frame.get("t") != "hello":
        raise ProtocolError(CloseCode.BAD_CREDENTIAL, "hello expected first")
    return _hello(frame)


def decode_frame(data: bytes | None, limits: Limits, now_ms: int | None = None) -> ClientFrame:
    """Decode and validate one websocket message. Raises ProtocolError (never anything else).

    Costs O(len(data)): values are capped per byte, depth is capped, every value is visited once.
    """
    if not isinstance(data, bytes | bytearray):
        raise _malformed("frames are binary msgpack")
    if len(data) > limits.max_frame_bytes:
        raise ProtocolError(CloseCode.FRAME_TOO_LARGE, "frame too large")
    frame = _unpack(bytes(data), limits.max_values(len(data)))
    if not isinstance(frame, dict):
        raise _malformed("frame must be a map")
    kind = frame.get("t")
    if kind == "events":
        events = validate_events(frame.get("events"), limits, now_ms)
        return EventsFrame(t="events", seq=_seq(frame.get("seq")), events=events)
    if kind == "part":
        return _part(frame, limits)
    if kind == "hello":
        return _hello(frame)
    if kind == "bye":
        reason = frame.get("reason")
        if reason not in ("stop", "unload"):
            raise _malformed("bye reason must be stop or unload")
        return ByeFrame(t="bye", reason=reason)
    raise _malformed("unknown frame type")


def decode_batch(seq: int, blob: bytes, limits: Limits, now_ms: int | None = None) -> EventsFrame:
    """The events of a completed parts batch (the concatenated `data`), validated like an events frame."""
    events = _unpack(blob, limits.max_values(len(blob)))
    return EventsFrame(t="events", seq=seq, events=validate_events(events, limits, now_ms))


def _hello(frame: dict) -> HelloFrame:
    cred, tab, page = frame.get("cred"), frame.get("tab"), frame.get("page", 0)
    # A malformed credential is a credential problem (4401), checked by credentials.verify.
    if not isinstance(tab, str) or not TAB_RE.fullmatch(tab):
        raise _malformed("tab must match [A-Za-z0-9_-]{1,64}")
    if not _is_int(page) or not 0 <= page <= MAX_SEQ:
        raise _malformed("page must be an integer >= 0")
    dev = frame.get("dev", "")
    if not isinstance(dev, str) or not DEVICE_RE.fullmatch(dev):
        raise _malformed("dev must match [A-Za-z0-9_-]{0,128}")
    return HelloFrame(t="hello", cred=cred if isinstance(cred, str) else "", tab=tab, page=page, dev=dev)


def _part(frame: dict, limits: Limits) -> PartFrame:
    seq, i, n, data = _seq(frame.get("seq")), frame.get("i"), frame.get("n"), frame.get("data")
    if not _is_int(n) or not 1 <= n <= limits.max_parts:
        raise _malformed(f"n must be 1..{limits.max_parts}")
    if not _is_int(i) or not 0 <= i < n:
        raise _malformed("i must be 0..n-1")
    if not isinstance(data, bytes) or not data:
        raise _malformed("part data must be non-empty binary")
    return PartFrame(t="part", seq=seq, i=i, n=n, data=data)


def validate_events(events: Any, limits: Limits, now_ms: int | None = None) -> list[dict[str, Any]]:
    """Check a batch: a list of rrweb events, each {type: int, timestamp: number, data: map, ...}, whose
    fields mean what the archive, summary and exports expect (event_rules)."""
    if not isinstance(events, list):
        raise _malformed("events must be a list")
    if len(events) > limits.max_events:
        raise _malformed("too many events in one batch")
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    max_ts = now_ms + limits.max_clock_ahead_ms
    for event in events:
        if not isinstance(event, dict):
            raise _malformed("event must be a map")
        etype, ts = event.get("type"), event.get("timestamp")
        if not _is_int(etype) or etype not in VALID_EVENT_TYPES:
            raise _malformed("event type must be an rrweb type 0..6")
        if type(ts) not in (int, float) or not math.isfinite(ts) or ts < 0:
            raise _malformed("event timestamp must be a finite number")
        if not isinstance(event.get("data"), dict):
            raise _malformed("event data must be a map")
        try:
            event_rules.check_event(event, max_ts)
            _check_tree(event, limits.max_depth)
        except event_rules.BadEvent as bad:
            raise _malformed(f"bad event: {bad}") from None
    return events


def _check_tree(root: dict, max_depth: int) -> None:
    """Bounded depth, string keys and JSON-representable leaves, iteratively (no recursion to exhaust).

    Everything stored must survive JSON export and the browser player: no binary, no msgpack
    extension types, no NaN/Infinity.
    """
    stack: list[tuple[Any, int]] = [(root, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > max_depth:
            raise _malformed("event nested too deeply")
        if type(node) is dict:
            for key in node:
                if type(key) is not str:
                    raise _malformed("map keys must be strings")
            if "childNodes" in node:
                event_rules.check_tree_node(node)
            node = node.values()
        for value in node:
            kind = type(value)
            if kind is dict or kind is list:
                push((value, depth + 1))
            elif kind is float:
                if not math.isfinite(value):
                    raise _malformed("non-finite number")
            elif kind not in _SCALARS:
                raise _malformed("unsupported value type")


# --- What a batch adds to the session's meta ---------------------------------------------------------


@dataclass(frozen=True)
class BatchStats:
    events: int
    errors: int  # JS errors and console errors
    failed_requests: int  # requests with no answer or an HTTP status >= 400
    full: bool  # holds a full snapshot: live viewers can start from this batch
    page_url: str  # newest page URL seen in the batch ("" if none)
    viewport: str  # newest "WIDTHxHEIGHT" seen in the batch ("" if none)


def _payload(event: dict[str, Any]) -> dict[str, Any]:
    payload = event["data"].get("payload")
    return payload if isinstance(payload, dict) else {}


def batch_stats(events: list[dict[str, Any]]) -> BatchStats:
    errors = failed = 0
    full = False
    page_url = viewport = ""
    for event in events:
        kind = classify(event)
        data = event["data"]
        if kind is Kind.FULL_SNAPSHOT:
            full = True
        elif kind in (Kind.JS_ERROR, Kind.CONSOLE_ERROR):
            errors += 1
        elif kind is Kind.NETWORK_FAILED:
            requests = _payload(event).get("requests")
            failed += sum(1 for r in requests if isinstance(r, dict) and is_failed_request(r))
        elif kind is Kind.META:
            if isinstance(data.get("href"), str):
                page_url = data["href"]
            viewport = _viewport(data) or viewport
        elif kind is Kind.ROUTE:
            target = _payload(event).get("to")
            if isinstance(target, str):
                page_url = target
        elif kind is Kind.VIEWPORT:
            viewport = _viewport(data) or viewport
    return BatchStats(len(events), errors, failed, full, page_url[:2000], viewport)


def _viewport(data: dict[str, Any]) -> str:
    width, height = data.get("width"), data.get("height")
    if _is_int(width) and _is_int(height):
        return f"{width}x{height}"
    return ""
