"""A runnable Playwright reproduction test (Python, pytest-playwright style) from a recorded session. Pure.

The test replays the customer's steps with the locators chosen in `locators` (test id, role and name, label,
text; a CSS path only as a flagged last resort), types obvious placeholders where the recording was masked,
serves the recorded API answers from the session's HAR (`route_from_har`) and ends with assertions on what
went wrong: the failed request's status, the error messages, the visible error state. It passes while the
failure happens and fails once it is fixed.

Every recorded string reaches the generated code through `repr()` (a literal, never code) or `comment()`
(one line, no control characters); URL fragments are never written (a `#sr=` credential lives there).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .markdown import clock
from .steps import ErrorState, Step, StepKind, Walk

MAX_ERRORS = 5
MAX_MESSAGE = 120
PLACEHOLDER_BY_KIND = {
    "email": "masked@example.com",
    "password": "Masked-password-1",
    "card": "4242 4242 4242 4242",
    "tel": "+15550000000",
    "number": "1",
    "url": "https://example.com/masked",
}


def comment(text: str) -> str:
    """Recorded text made safe for a one-line Python comment."""
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in str(text))
    return " ".join(cleaned.split())[:300]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def local_path(url: str, origin: str) -> str:
    """`/path?query` for a URL on the recorded origin (no fragment), else '' (another site)."""
    parts = urlsplit(url)
    if origin_of(url) != origin:
        return ""
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def placeholder(step: Step) -> tuple[str, str]:
    """(kind, value) standing in for what the customer typed into this field."""
    extra = step.extra
    kind = str(extra.get("input_type") or "")
    autocomplete = str(extra.get("autocomplete") or "")
    name = step.target.lower()
    if autocomplete.startswith("cc-number") or "card" in name:
        kind = "card"
    elif autocomplete == "email" or kind == "email":
        kind = "email"
    elif kind == "password" or "password" in autocomplete:
        kind = "password"
    if kind in PLACEHOLDER_BY_KIND:
        return kind, PLACEHOLDER_BY_KIND[kind]
    length = int(extra.get("length") or 0)
    return "text", ("MASKED" + "x" * length)[:length] if length else "MASKED"


def stable_message(message: str, failures: list[Step]) -> str:
    """The part of an error text a reproduction can promise: cut at masked text, and right after the status
    of a failed request whose answer was not recorded (the HAR then replays the status, not the message)."""
    text = re.split(r"[*•\[]", message, maxsplit=1)[0].strip()[:MAX_MESSAGE]
    for failure in failures:
        status = str(failure.extra.get("status") or "")
        if status and not failure.extra.get("has_body") and status in text:
            text = text[: text.index(status) + len(status)]
    return text.strip()


@dataclass
class _Block:
    """One action of the customer (a goto, a click, a fill) and the failed requests it caused."""

    step: Step
    lines: list[str]
    failures: list[tuple[str, Step]] = field(default_factory=list)


class _Writer:
    def __init__(self, walk: Walk, origin: str, start_ts: int) -> None:
        self.walk = walk
        self.origin = origin
        self.start_ts = start_ts
        self.blocks: list[_Block] = []
        self.notes: list[str] = []
        self.placeholders: dict[str, tuple[str, str]] = {}
        self.failures: list[tuple[str, Step]] = []
        self.last_kind: StepKind | None = None

    def url_code(self, url: str) -> str | None:
        path = local_path(url, self.origin)
        return f"url({path!r})" if path else None

    def header(self, step: Step, n: int) -> str:
        return f"    # {n}. {clock(step.ts - self.start_ts)} {comment(step.text)}"

    def add(self, step: Step, n: int, lines: list[str]) -> None:
        self.blocks.append(_Block(step, [self.header(step, n), *lines]))

    def navigate(self, step: Step, n: int) -> None:
        code = self.url_code(str(step.extra.get("url") or ""))
        if code is None:
            self.notes.append(f"step {n} left the app's site: {comment(step.extra.get('url', ''))}")
            return
        if step.kind is StepKind.OPEN or self.last_kind not in (StepKind.CLICK, StepKind.INPUT):
            self.add(step, n, [f"    page.goto({code})"])
        else:
            # Caused by the previous click: wait for it instead of loading the page again.
            self.add(step, n, [f"    page.wait_for_url({code})"])

    def click(self, step: Step, n: int) -> None:
        locator = step.locator
        if locator is None:
            self.add(step, n, ["    # (the clicked element is not in the recording: not replayed)"])
            return
        lines = [f"    # {locator.note}"] if locator.note else []
        count = int(step.extra.get("count", 1))
        action = f"page.{locator.code}.click()"
        lines += [f"    for _ in range({count}):", f"        {action}"] if count > 1 else [f"    {action}"]
        self.add(step, n, lines)

    def fill(self, step: Step, n: int) -> None:
        locator = step.locator
        if locator is None:
            return
        lines = [f"    # {locator.note}"] if locator.note else []
        target = f"page.{locator.code}"
        if "checked" in step.extra:
            lines.append(f"    {target}.{'check' if step.extra['checked'] else 'uncheck'}()")
        elif step.extra.get("tag") == "select":
            lines += ["    # The chosen option was masked: choose one.", f"    # {target}.select_option(...)"]
        else:
            key = step.target or f"field {n}"
            self.placeholders.setdefault(key, placeholder(step))
            masked = "masked" if step.extra.get("masked") else "not shown"
            lines.append(f"    {target}.fill(PLACEHOLDERS[{key!r}])  # typed value {masked}")
        self.add(step, n, lines)

    def failure(self, step: Step) -> None:
        """Attach a failed request to the customer's action that started it."""
        name = f"failed_{len(self.failures) + 1}"
        self.failures.append((name, step))
        started = int(step.extra.get("started_ts", step.ts))
        owner = next((b for b in reversed(self.blocks) if b.step.ts <= started), None)
        if owner is not None and len(owner.failures) < 3:
            owner.failures.append((name, step))
        else:
            self.failures.pop()

    def run(self) -> None:
        steps = self.walk.steps
        tab = steps[0].tab if steps else ""
        other_tabs = sum(1 for s in steps if s.tab != tab)
        if other_tabs:
            self.notes.append(f"{other_tabs} steps in other tabs are not replayed")
        for n, step in enumerate(steps, 1):
            if step.tab != tab:
                continue
            if step.kind in (StepKind.OPEN, StepKind.NAVIGATE):
                self.navigate(step, n)
            elif step.kind is StepKind.CLICK:
                self.click(step, n)
            elif step.kind is StepKind.INPUT:
                self.fill(step, n)
            elif step.kind is StepKind.REQUEST:
                self.failure(step)
            if step.kind is not StepKind.ERROR and step.kind is not StepKind.REQUEST:
                self.last_kind = step.kind


def _request_matcher(step: Step, origin: str) -> str:
    method = str(step.extra.get("method") or "GET")
    url = str(step.extra.get("url") or "")
    path = local_path(url, origin)
    target = f"url({path!r})" if path else repr(url.split("#")[0])
    return f"lambda r: same_request(r, {method!r}, {target})"


def _body(writer: _Writer) -> list[str]:
    out: list[str] = []
    for block in writer.blocks:
        if not block.failures:
            out += block.lines
            continue
        managers = ", ".join(
            f"page.expect_response({_request_matcher(step, writer.origin)}) as {name}"
            for name, step in block.failures
        )
        head, *actions = block.lines
        out += [head, f"    with {managers}:"] + [f"    {line}" for line in actions]
    return out


def _assertions(walk: Walk, writer: _Writer) -> list[str]:
    failed_steps = [step for _, step in writer.failures]
    lines = ["", "    # What went wrong, as recorded: the test passes while it still happens."]
    for name, step in writer.failures:
        status = int(step.extra.get("status") or 0)
        what = comment(step.action)
        if status:
            lines.append(f"    assert {name}.value.status == {status}, {f'expected the recorded {what}'!r}")
        else:
            lines.append(f"    assert {name}.value.status == 0 or not {name}.value.ok, {what!r}")
    messages: list[str] = []
    for step in walk.steps:
        if step.kind is StepKind.ERROR:
            text = stable_message(str(step.extra.get("message") or ""), failed_steps)
            if text and text not in messages:
                messages.append(text)
    for text in messages[:MAX_ERRORS]:
        lines.append(f"    wait_until(page, lambda: any({text!r} in e for e in errors), {text!r})")
    state: ErrorState | None = walk.error_state
    if state is not None:
        text = stable_message(state.text, failed_steps)
        lines.append(f"    expect(page.{state.code}).to_be_visible()")
        if text:
            lines.append(f"    expect(page.{state.code}).to_contain_text({text!r})")
    if len(lines) == 2:
        lines.append("    # Nothing failed in this recording: the steps above are the reproduction.")
    return lines


HEAD = '''"""Reproduction of SupportReplay session {short}, generated from its masked recording.

Replay: {replay_url}
Recorded on: {origin}

Run it with pytest-playwright (pip install pytest-playwright):

    pytest {filename}

It passes while the customer's failure still happens, and fails once it is fixed.

Environment variables:
    REPRO_BASE_URL  where the app runs (default: the recorded origin above)
    REPRO_NETWORK   "har" (default): the app's API answers come from the recorded HAR next to this file, so
                    the customer's backend and data are not needed; "live": requests reach the backend at
                    REPRO_BASE_URL (use it to check a backend fix)
    REPRO_CHROMIUM  a Chromium executable to use instead of Playwright's own browser
"""

import json
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

RECORDED_ORIGIN = {origin!r}
BASE_URL = os.environ.get("REPRO_BASE_URL", RECORDED_ORIGIN).rstrip("/")
NETWORK = os.environ.get("REPRO_NETWORK", "har")
HAR = Path(__file__).with_name({har_name!r})
'''

HELPERS = '''

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = os.environ.get("REPRO_CHROMIUM")
    return {**browser_type_launch_args, **({"executable_path": chromium} if chromium else {})}


def url(path: str) -> str:
    return BASE_URL + path


def same_request(response, method: str, expected_url: str) -> bool:
    def plain(u: str) -> str:
        parts = urlsplit(u)
        return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")

    return response.request.method == method and plain(response.url) == plain(expected_url)


def recorded_network(page: Page, tmp: Path) -> None:
    """Serve the recorded API answers, moved to BASE_URL. Request bodies were masked when recorded, so
    they are not matched (Playwright would compare POST bodies); anything not recorded goes to the app."""
    har = json.loads(HAR.read_text(encoding="utf-8"))
    for entry in har["log"]["entries"]:
        entry["request"]["url"] = entry["request"]["url"].replace(RECORDED_ORIGIN, BASE_URL, 1)
        entry["request"].pop("postData", None)
    moved = tmp / HAR.name
    moved.write_text(json.dumps(har), encoding="utf-8")
    page.route_from_har(moved, not_found="fallback")


def wait_until(page: Page, check, what: str, timeout_ms: int = 5000) -> None:
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the recorded error did not happen: {what}")
'''


def build_playwright_test(walk: Walk, *, session_id: str, replay_url: str, start_ts: int) -> tuple[str, str]:
    """(file name, Python source) of the reproduction test; the HAR goes next to it as `har_name(...)`."""
    short = session_id[:8]
    pages = [s for s in walk.steps if s.kind in (StepKind.OPEN, StepKind.NAVIGATE)]
    origin = origin_of(str(pages[0].extra.get("url") or "")) if pages else ""
    writer = _Writer(walk, origin, start_ts)
    writer.run()
    filename = f"test_repro_{short}.py"
    source = HEAD.format(
        short=short, replay_url=replay_url, origin=origin or "unknown", filename=filename,
        har_name=har_name(session_id),
    )  # fmt: skip
    source += "\n# Typed values were masked in the recording: these obvious placeholders stand in for them.\n"
    source += "PLACEHOLDERS = {\n"
    for key, (kind, value) in writer.placeholders.items():
        source += f"    {key!r}: {value!r},  # {kind}\n"
    source += "}\n" + HELPERS + "\n\n"
    source += f"def test_reproduces_session_{short}(page: Page, tmp_path: Path) -> None:\n"
    for note in writer.notes:
        source += f"    # Note: {comment(note)}\n"
    source += "    errors: list[str] = []\n"
    source += '    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)\n'
    source += '    page.on("pageerror", lambda e: errors.append(f"{e.name}: {e.message}"))\n'
    source += '    if NETWORK == "har":\n        recorded_network(page, tmp_path)\n\n'
    body = _body(writer) or ["    pass  # no replayable steps were recorded"]
    source += "\n".join(body + _assertions(walk, writer)) + "\n"
    return filename, source


def har_name(session_id: str) -> str:
    return f"session-{session_id[:8]}.har"


def repro_har(har: Mapping[str, Any]) -> dict[str, Any]:
    """The HAR a reproduction replays: the page's own API calls (fetch/XHR) whose answer was recorded or
    that failed with an HTTP status; documents, scripts and styles still come from the app."""
    entries = [
        e
        for e in har["log"]["entries"]
        if e.get("_initiatorType", "") in ("fetch", "xmlhttprequest", "")
        and ("text" in e["response"]["content"] or e["response"]["status"] >= 400)
    ]
    return {"log": {**har["log"], "entries": entries}}
