"""Plain-language repro steps, derived deterministically from a session's stored (masked) events. Pure.

    Opened /demo/ · Clicked *Add to cart* on /demo/ · Navigated to /demo/checkout ·
    Typed into *Card number* (masked) · Clicked *Pay €14.50* on /demo/checkout ·
    POST /demo/api/pay → 500 · Console error: Payment failed: 500 …

Clicks are named after the element's accessible name in the recorded DOM (see `mirror`, `a11y`); typed
values are never shown, only whether they were masked; periodic snapshots of the same page are not steps.
The same walk also notes the first visible error state after a failure (an alert that appeared), which the
Playwright export asserts on.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from ..archive.chunking import Batch, event_ts
from ..events import Kind, classify, is_failed_request
from . import a11y
from .alerts import ALERT_ROLES, first_alertish, stable_text
from .locators import Locator, locate, target_of
from .mirror import Mirror, Node

MAX_STEPS = 300
# Batches held to put late ones back in the customer's order (see Walking); the walk's memory bound.
REORDER_WINDOW = 256
MAX_MESSAGE = 200
REPEAT_CLICK_MS = 1000
MASK_ONLY = re.compile(r"[*•]+")


class StepKind(StrEnum):
    OPEN = "open"
    NAVIGATE = "navigate"
    CLICK = "click"
    INPUT = "input"
    REQUEST = "request"
    ERROR = "error"


@dataclass(frozen=True)
class Step:
    ts: int
    tab: str
    kind: StepKind
    action: str  # "Clicked", "Typed into", "POST /demo/api/pay → 500"
    target: str = ""  # the emphasised part: an element's name
    detail: str = ""  # "on /demo/", "(masked)"
    page: str = ""  # the page's URL at that moment
    locator: Locator | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The step as one line, its target in *emphasis* (not escaped: renderers escape the parts)."""
        return " ".join(p for p in (self.action, f"*{self.target}*" if self.target else "", self.detail) if p)


@dataclass(frozen=True)
class ErrorState:
    """A visible error the customer saw after the first failure (for the Playwright export's assertion)."""

    ts: int
    tab: str
    code: str  # Playwright locator expression on `page`
    text: str


@dataclass
class Walk:
    steps: list[Step] = field(default_factory=list)
    error_state: ErrorState | None = None
    truncated: bool = False


def short_url(url: str, page: str) -> str:
    """A URL as a person reads it next to the page: the path on the page's own site, else the whole URL."""
    try:
        target, base = urlsplit(url), urlsplit(page)
    except ValueError:
        return url
    if not target.netloc or target.netloc == base.netloc:
        return (target.path or "/") + (f"?{target.query}" if target.query else "")
    return url


def error_message(text: Any) -> str:
    message = a11y.squash(str(text or ""))
    return message.removeprefix("Uncaught ")[:MAX_MESSAGE] or "Error"


def _payload(event: Mapping[str, Any]) -> Mapping[str, Any]:
    data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
    payload = data.get("payload")
    return payload if isinstance(payload, Mapping) else {}


def _console_message(payload: Mapping[str, Any]) -> str:
    parts = payload.get("payload")
    words = []
    for part in parts if isinstance(parts, list) else [parts]:
        text = str(part)
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        words.append(text)
    return error_message(" ".join(words))


class _Walker:
    def __init__(self) -> None:
        self.walk = Walk()
        self.mirrors: dict[str, Mirror] = {}
        self.pages: dict[str, str] = {}
        self.failed = False

    def add(self, step: Step) -> None:
        if len(self.walk.steps) >= MAX_STEPS:
            self.walk.truncated = True
            return
        self.walk.steps.append(step)

    def last(self, tab: str) -> Step | None:
        return next((s for s in reversed(self.walk.steps) if s.tab == tab), None)

    def visit(self, tab: str, href: str, ts: int, how: str) -> None:
        if not href or self.pages.get(tab) == href:
            return
        first = not self.walk.steps
        self.pages[tab] = href
        path = short_url(href, href)
        kind = StepKind.OPEN if first else StepKind.NAVIGATE
        self.add(Step(ts, tab, kind, "Opened" if first else "Navigated to", detail=path, page=href,
                      extra={"url": href, "how": how}))  # fmt: skip

    def click(self, tab: str, ts: int, data: Mapping[str, Any]) -> None:
        mirror = self.mirrors.get(tab)
        node = target_of(mirror, mirror.get(data.get("id"))) if mirror else None
        page = self.pages.get(tab, "")
        last = self.last(tab)
        if (
            last is not None
            and last.kind is StepKind.CLICK
            and last.extra.get("node") == (node.id if node else data.get("id"))
            and ts - last.extra.get("last_ts", last.ts) <= REPEAT_CLICK_MS
            and self.walk.steps[-1] is last
        ):
            count = last.extra.get("count", 1) + 1
            extra = {**last.extra, "count": count, "last_ts": ts}
            detail = f"{count} times on {short_url(page, page)}"
            self.walk.steps[-1] = replace(last, detail=detail, extra=extra)
            return
        locator = locate(mirror, node) if mirror and node else None
        name = locator.name if locator else f"element #{data.get('id')}"
        extra = {"node": node.id if node else data.get("id"), "tag": node.tag if node else ""}
        detail = f"on {short_url(page, page)}"
        self.add(Step(ts, tab, StepKind.CLICK, "Clicked", name, detail, page, locator, extra))

    def input(self, tab: str, ts: int, data: Mapping[str, Any]) -> None:
        if data.get("userTriggered") is False:
            return  # set by the page's own script, not typed by the customer
        mirror = self.mirrors.get(tab)
        node: Node | None = mirror.get(data.get("id")) if mirror else None
        page = self.pages.get(tab, "")
        locator = locate(mirror, node) if mirror and node else None
        name = locator.name if locator else f"field #{data.get('id')}"
        input_type = node.attrs.get("type", "").lower() if node else ""
        if input_type in ("checkbox", "radio"):
            checked = bool(data.get("isChecked"))
            if input_type == "radio" and not checked:
                return
            action = "Selected" if input_type == "radio" else ("Checked" if checked else "Unchecked")
            extra = {"node": data.get("id"), "input_type": input_type, "checked": checked}
            self.add(Step(ts, tab, StepKind.INPUT, action, name, "", page, locator, extra))
            return
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        masked = bool(MASK_ONLY.fullmatch(text)) or not text
        tag = node.tag if node else "input"
        extra = {
            "node": data.get("id"),
            "tag": tag,
            "input_type": input_type,
            "autocomplete": node.attrs.get("autocomplete", "") if node else "",
            "length": len(text),
            "masked": masked,
        }
        action = "Chose an option in" if tag == "select" else "Typed into"
        detail = "(masked)" if masked else f"({len(text)} characters, not shown)"
        last = self.last(tab)
        if (
            last is not None
            and self.walk.steps[-1] is last
            and last.kind is StepKind.INPUT
            and last.extra.get("node") == extra["node"]
            and "checked" not in last.extra
        ):
            self.walk.steps[-1] = replace(last, detail=detail, extra=extra)
            return
        self.add(Step(ts, tab, StepKind.INPUT, action, name, detail, page, locator, extra))

    def request(self, tab: str, ts: int, event: Mapping[str, Any]) -> None:
        page = self.pages.get(tab, "")
        requests = _payload(event).get("requests")
        for request in requests if isinstance(requests, list) else []:
            if not isinstance(request, Mapping) or not is_failed_request(request):
                continue
            status = request.get("status") if isinstance(request.get("status"), int) else 0
            method = str(request.get("method") or "GET").upper()[:16]
            url = str(request.get("url") or "")[:2000]
            start, end = request.get("startTime"), request.get("endTime")
            duration = end - start if isinstance(start, int | float) and isinstance(end, int | float) else 0
            extra = {
                "method": method,
                "url": url,
                "status": status,
                "started_ts": ts - max(0, int(duration)),
                "has_body": request.get("responseBody") is not None,
            }
            action = f"{method} {short_url(url, page)} → {status or 'failed'}"
            self.add(Step(ts, tab, StepKind.REQUEST, action, page=page, extra=extra))
            self.failed = True

    def error(self, tab: str, ts: int, message: str, source: str) -> None:
        # rrweb's console plugin also logs an uncaught error: one step, named as the JS error.
        recent = [s for s in self.walk.steps[-3:] if s.kind is StepKind.ERROR and s.tab == tab]
        twin = next((s for s in recent if s.extra.get("message") == message and ts - s.ts <= 1000), None)
        if twin is not None:
            if source == "js" and twin.extra.get("source") != "js":
                index = self.walk.steps.index(twin)
                self.walk.steps[index] = replace(twin, action=message, extra={**twin.extra, "source": "js"})
            return
        action = message if source == "js" else f"Console error: {message}"
        extra = {"message": message, "source": source}
        self.add(Step(ts, tab, StepKind.ERROR, action, page=self.pages.get(tab, ""), extra=extra))
        self.failed = True

    def note_error_state(self, tab: str, ts: int, data: Mapping[str, Any]) -> None:
        """After a failure, the first alert-like element that shows text is the visible error state."""
        mirror = self.mirrors.get(tab)
        if not self.failed or self.walk.error_state is not None or mirror is None:
            return
        touched = [c.get("id") for c in data.get("texts") or [] if isinstance(c, Mapping)]
        touched += [c.get("id") for c in data.get("attributes") or [] if isinstance(c, Mapping)]
        touched += [a.get("parentId") for a in data.get("adds") or [] if isinstance(a, Mapping)]
        passed: set[int] = set()  # nodes whose first alert-like ancestor (or none) was already judged
        for node_id in touched:
            alert = first_alertish(mirror, mirror.get(node_id), passed)
            if alert is None or a11y.is_hidden(mirror, alert):
                continue
            text = stable_text(a11y.text_of(mirror, alert))
            if not text:
                continue
            role = a11y.role(alert)
            peers = [n for n in mirror.elements() if a11y.role(n) == role and not a11y.is_hidden(mirror, n)]
            unique_role = role in ALERT_ROLES and peers == [alert]
            code = f"get_by_role({role!r})" if unique_role else locate(mirror, alert).code
            self.walk.error_state = ErrorState(ts, tab, code, text)
            return

    def feed(self, batch: Batch) -> None:
        tab = batch.tab
        for event in batch.events:
            if not isinstance(event, Mapping):
                continue
            ts = event_ts(event, batch.ts)
            data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
            kind = classify(event)
            if kind is Kind.FULL_SNAPSHOT:
                self.mirrors.setdefault(tab, Mirror()).load(data.get("node"))
            elif kind is Kind.MUTATION:
                self.mirrors.setdefault(tab, Mirror()).apply(data)
                self.note_error_state(tab, ts, data)
            elif kind is Kind.META:
                self.visit(tab, str(data.get("href") or "")[:2000], ts, "load")
            elif kind is Kind.ROUTE:
                self.visit(tab, str(_payload(event).get("to") or "")[:2000], ts, "route")
            elif kind is Kind.CLICK:
                self.click(tab, ts, data)
            elif kind is Kind.INPUT:
                self.input(tab, ts, data)
            elif kind is Kind.NETWORK_FAILED:
                self.request(tab, ts, event)
            elif kind is Kind.JS_ERROR:
                self.error(tab, ts, error_message(_payload(event).get("message")), "js")
            elif kind is Kind.CONSOLE_ERROR:
                self.error(tab, ts, _console_message(_payload(event)), "console")


def _first_ts(batch: Batch) -> int:
    event = next((e for e in batch.events if isinstance(e, Mapping)), None)
    return event_ts(event, batch.ts) if event is not None else batch.ts


class Walking:
    """A walk fed one batch at a time in stream (arrival) order, e.g. while the archive is written.

    Batches are walked in the order the customer produced them (first event's time, tab, seq). The stream
    keeps arrival order, and a batch the recorder resent after a page load (unacked when the page
    unloaded) arrives after the next page's: the walk holds the newest REORDER_WINDOW batches and always
    walks the earliest of them, so a batch up to REORDER_WINDOW places late is put back in its place while
    memory stays bounded whatever the session's length. A batch later than that is walked where it arrived.

    `steps_only`: stop walking once MAX_STEPS are taken (the steps cannot change any more; what the rest
    would find, the error state after a failure, is for the Playwright export, which walks everything).
    """

    def __init__(self, window: int = REORDER_WINDOW, *, steps_only: bool = False) -> None:
        self._walker = _Walker()
        self._held: list[tuple[tuple[int, str, int], int, Batch]] = []
        self._arrived = 0
        self._window = window
        self._steps_only = steps_only

    @property
    def done(self) -> bool:
        """No batch can change the result any more (`steps_only` and MAX_STEPS taken)."""
        return self._steps_only and self._walker.walk.truncated

    def add(self, batch: Batch) -> None:
        if self.done:
            return
        heapq.heappush(self._held, ((_first_ts(batch), batch.tab, batch.seq), self._arrived, batch))
        self._arrived += 1
        if len(self._held) > self._window:
            self._walker.feed(heapq.heappop(self._held)[2])

    def finish(self) -> Walk:
        while self._held and not self.done:
            self._walker.feed(heapq.heappop(self._held)[2])
        return self._walker.walk


def walk(batches: Iterable[Batch], *, steps_only: bool = False) -> Walk:
    walking = Walking(steps_only=steps_only)
    for batch in batches:
        walking.add(batch)
    return walking.finish()


def derive_steps(batches: Iterable[Batch]) -> list[Step]:
    """The session's repro steps in order (at most MAX_STEPS)."""
    return walk(batches).steps


def as_dict(step: Step, start_ts: int) -> dict[str, Any]:
    """A step for templates and JSON: offset in seconds (for `?t=`), kind and its three text parts."""
    return {
        "ts": step.ts,
        "t": round(max(0, step.ts - start_ts) / 1000, 1),
        "kind": str(step.kind),
        "action": step.action,
        "target": step.target,
        "detail": step.detail,
        "text": step.text,
    }


def payload(result: Walk, start_ts: int) -> dict[str, Any]:
    """The steps as the replay page reads them (`/data/steps`), offsets from `start_ts` (the manifest's)."""
    return {
        "start_ts": start_ts,
        "steps": [as_dict(step, start_ts) for step in result.steps],
        "truncated": result.truncated,
    }
