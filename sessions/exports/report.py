"""The Markdown bug report of a session: environment, pages, steps to the first error, failures. Pure.

Steps to reproduce come from sessions.repro (clicks named by the clicked element's accessible name in the
recorded DOM, typed values never shown, each step linked to its moment in the replay).

Everything that came from the recorded page goes through `markdown.code` / `markdown.fence` /
`markdown.inline` (no fake headings, links, HTML or fence breakout), and values are written as words,
never as Python reprs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..archive.chunking import Batch
from ..repro.markdown import steps_section
from ..repro.steps import derive_steps
from ..summary import summarize
from .markdown import code, fence, inline, plain_value


def clock(ms: int, start: int) -> str:
    seconds = max(0, (ms - start) // 1000)
    return (
        f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else (f"{seconds // 60:02d}:{seconds % 60:02d}")
    )


def _table(rows: list[list[str]], head: list[str]) -> list[str]:
    """A GFM table; cells are already Markdown (recorded values as `code(..., table=True)`)."""
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(row) + " |" for row in rows
    ]


def build_report(
    batches: list[Batch], *, session_id: str, replay_url: str, ticket: str = "", summary: dict | None = None
) -> str:
    summary = summary if summary and "errors" in summary else summarize(batches)
    start = summary.get("start_ts", 0)
    errors = summary.get("errors", [])
    failed = summary.get("failed", [])
    first_error = errors[0] if errors else None
    lines = [f"# Bug report: session {session_id[:8]}", ""]
    if ticket:
        lines.append(f"- Ticket: {inline(ticket, limit=200)}")
    when = datetime.fromtimestamp(start / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC") if start else "unknown"
    lines += [
        f"- Recorded: {when}, {clock(summary.get('end_ts', 0), start)} long",
        f"- Replay: <{replay_url}>",
        f"- Counts: {summary.get('clicks', 0)} clicks, {summary.get('inputs', 0)} inputs, "
        f"{summary.get('console_errors', 0) + summary.get('js_errors', 0)} errors, "
        f"{summary.get('failed_requests', 0)} failed requests",
        "",
        "## Environment",
        "",
    ]
    env = summary.get("environment") or {}
    env_rows = [[inline(k, limit=80), code(plain_value(v), table=True)] for k, v in env.items()]
    lines += _table(env_rows, ["Property", "Value"]) if env_rows else ["Not recorded."]
    lines += ["", "## Pages visited", ""]
    lines += [
        f"{n}. `{clock(p['ts'], start)}` {code(p['url'])}" for n, p in enumerate(summary.get("pages", []), 1)
    ] or ["None recorded."]
    lines += ["", *steps_section(derive_steps(batches), start_ts=start, replay_url=replay_url)]
    if first_error:
        seconds = max(0, (first_error["ts"] - start) // 1000)
        lines += [
            "",
            "## First error",
            "",
            f"`{clock(first_error['ts'], start)}` {code(first_error['message'])}",
            "",
            f"Replay at the error: <{replay_url}?t={seconds}>",
        ]
    lines += ["", "## Failing requests", ""]
    rows = [
        [
            clock(r["ts"], start),
            code(r["method"], table=True),
            code(r["url"], table=True),
            str(r["status"]) if isinstance(r["status"], int) and r["status"] else "failed",
            f"{plain_value(r['duration_ms'])} ms" if isinstance(r["duration_ms"], int | float) else "—",
        ]
        for r in failed
    ]
    lines += _table(rows, ["Time", "Method", "URL", "Status", "Duration"]) if rows else ["None."]
    lines += ["", "## Errors", ""]
    for error in errors:
        lines += [f"### `{clock(error['ts'], start)}` {inline(error['kind'], limit=40)}", ""]
        lines += [code(error["message"]), ""]
        if error.get("stack"):
            lines += [*fence(error["stack"]), ""]
    if not errors:
        lines.append("None.")
    return "\n".join(lines).rstrip() + "\n"
