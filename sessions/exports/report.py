"""The Markdown bug report of a session: environment, pages, steps to the first error, failures. Pure.

Steps are read from the recorded events: clicks are named after the clicked element (found in the full
snapshots and mutation adds), inputs are shown masked whatever the recorder sent, consecutive keystrokes
into one field are one step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ..archive.chunking import Batch, event_ts
from ..events import EventType, IncrementalSource, Kind, classify
from ..summary import summarize

MAX_STEPS = 30
MASK = "•"


def _label(node: Mapping[str, Any]) -> str:
    """`button "Pay now"` / `input#email`: enough for a developer to find the element."""
    tag = str(node.get("tagName") or "element")
    attrs = node.get("attributes") if isinstance(node.get("attributes"), Mapping) else {}
    ident = f"#{attrs['id']}" if attrs.get("id") else ""
    text = " ".join(
        str(c.get("textContent") or "").strip()
        for c in node.get("childNodes") or []
        if isinstance(c, Mapping) and c.get("type") == 3
    ).strip()
    if not text and attrs.get("aria-label"):
        text = str(attrs["aria-label"])
    return f'{tag}{ident} "{text[:60]}"' if text else f"{tag}{ident}"


class NodeIndex:
    """Node id -> label, from full snapshots and mutation adds (enough to name what was clicked)."""

    def __init__(self) -> None:
        self.labels: dict[int, str] = {}

    def add_tree(self, node: Any) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if not isinstance(current, Mapping):
                continue
            if current.get("type") == 2 and isinstance(current.get("id"), int):
                self.labels[current["id"]] = _label(current)
            stack.extend(current.get("childNodes") or [])

    def feed(self, event: Mapping[str, Any]) -> None:
        data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
        if event.get("type") == EventType.FULL_SNAPSHOT:
            self.labels.clear()
            self.add_tree(data.get("node"))
        elif (
            event.get("type") == EventType.INCREMENTAL_SNAPSHOT
            and data.get("source") == IncrementalSource.MUTATION
        ):
            for add in data.get("adds") or []:
                if isinstance(add, Mapping):
                    self.add_tree(add.get("node"))

    def name(self, node_id: Any) -> str:
        return self.labels.get(node_id, f"element #{node_id}")


def clock(ms: int, start: int) -> str:
    seconds = max(0, (ms - start) // 1000)
    return (
        f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else (f"{seconds // 60:02d}:{seconds % 60:02d}")
    )


def masked(text: Any) -> str:
    return MASK * min(len(text), 12) if isinstance(text, str) and text else "(empty)"


def steps(batches: Iterable[Batch], until_ts: int | None) -> list[tuple[int, str]]:
    """(ts, description) of navigations, clicks and inputs, in order, up to `until_ts` (the first error)."""
    index = NodeIndex()
    out: list[tuple[int, str]] = []
    last_input: Any = None
    for batch in batches:
        for event in batch.events:
            if not isinstance(event, Mapping):
                continue
            ts = event_ts(event, batch.ts)
            if until_ts is not None and ts > until_ts:
                return out[-MAX_STEPS:]
            index.feed(event)
            kind = classify(event)
            data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
            if kind is Kind.META and data.get("href"):
                if not out or out[-1][1] != f"Opened {data['href']}":
                    out.append((ts, f"Opened {data['href']}"))
                last_input = None
            elif kind is Kind.ROUTE:
                out.append((ts, f"Navigated to {(data.get('payload') or {}).get('to', '')}"))
            elif kind is Kind.CLICK:
                out.append((ts, f"Clicked {index.name(data.get('id'))}"))
                last_input = None
            elif kind is Kind.INPUT:
                step = f"Typed {masked(data.get('text'))} into {index.name(data.get('id'))}"
                if last_input == data.get("id") and out:
                    out[-1] = (out[-1][0], step)
                else:
                    out.append((ts, step))
                last_input = data.get("id")
    return out[-MAX_STEPS:]


def _table(rows: list[list[str]], head: list[str]) -> list[str]:
    esc = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(esc(v) for v in row) + " |" for row in rows
    ]


def build_report(
    batches: list[Batch], *, session_id: str, replay_url: str, ticket: str = "", summary: dict | None = None
) -> str:
    summary = summary if summary and "errors" in summary else summarize(batches)
    start = summary.get("start_ts", 0)
    errors = summary.get("errors", [])
    failed = summary.get("failed", [])
    first_error = errors[0] if errors else None
    focus_ts = first_error["ts"] if first_error else (failed[0]["ts"] if failed else None)
    lines = [f"# Bug report: session {session_id[:8]}", ""]
    if ticket:
        lines.append(f"- Ticket: {ticket}")
    when = datetime.fromtimestamp(start / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC") if start else "unknown"
    lines += [
        f"- Recorded: {when}, {clock(summary.get('end_ts', 0), start)} long",
        f"- Replay: {replay_url}",
        f"- Counts: {summary.get('clicks', 0)} clicks, {summary.get('inputs', 0)} inputs, "
        f"{summary.get('console_errors', 0) + summary.get('js_errors', 0)} errors, "
        f"{summary.get('failed_requests', 0)} failed requests",
        "",
        "## Environment",
        "",
    ]
    env = summary.get("environment") or {}
    lines += _table([[k, v] for k, v in env.items()], ["Property", "Value"]) if env else ["Not recorded."]
    lines += ["", "## Pages visited", ""]
    lines += [
        f"{n}. `{clock(p['ts'], start)}` {p['url']}" for n, p in enumerate(summary.get("pages", []), 1)
    ] or ["None recorded."]
    heading = "## Steps leading to the first error" if focus_ts else "## Steps"
    lines += ["", heading, ""]
    lines += [
        f"{n}. `{clock(ts, start)}` {text}" for n, (ts, text) in enumerate(steps(batches, focus_ts), 1)
    ] or ["No clicks or inputs recorded."]
    if first_error:
        seconds = max(0, (first_error["ts"] - start) // 1000)
        lines += [
            "",
            "## First error",
            "",
            f"`{clock(first_error['ts'], start)}` **{first_error['message']}**",
            "",
            f"Replay at the error: {replay_url}?t={seconds}",
        ]
    lines += ["", "## Failing requests", ""]
    rows = [
        [clock(r["ts"], start), r["method"], r["url"], r["status"] or "failed", f"{r['duration_ms']} ms"]
        for r in failed
    ]
    lines += _table(rows, ["Time", "Method", "URL", "Status", "Duration"]) if rows else ["None."]
    lines += ["", "## Errors", ""]
    for error in errors:
        lines += [f"### `{clock(error['ts'], start)}` {error['kind']}: {error['message']}", ""]
        if error.get("stack"):
            lines += ["```", error["stack"], "```", ""]
    if not errors:
        lines.append("None.")
    return "\n".join(lines).rstrip() + "\n"
