"""Repro steps as a Markdown section of the bug report: numbered, each with a link that seeks the replay."""

from __future__ import annotations

from collections.abc import Iterable

from ..exports.markdown import inline
from .steps import Step

MAX_REPORT_STEPS = 100


def md_text(text: str) -> str:
    """Recorded text as inert Markdown (sessions/exports/markdown.py: specials escaped, no autolinks)."""
    return inline(text)


def clock(offset_ms: int) -> str:
    seconds = max(0, offset_ms // 1000)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def seek_url(replay_url: str, step: Step, start_ts: int) -> str:
    return f"{replay_url}?t={max(0, step.ts - start_ts) / 1000:.1f}"


def step_line(step: Step) -> str:
    target = f"*{md_text(step.target)}*" if step.target else ""
    return " ".join(p for p in (md_text(step.action), target, md_text(step.detail)) if p)


def steps_section(steps: Iterable[Step], *, start_ts: int, replay_url: str) -> list[str]:
    """`## Steps to reproduce` and its numbered list (at most MAX_REPORT_STEPS, then a note)."""
    steps = list(steps)
    lines = ["## Steps to reproduce", ""]
    if not steps:
        return [*lines, "No steps recorded."]
    for n, step in enumerate(steps[:MAX_REPORT_STEPS], 1):
        when = clock(step.ts - start_ts)
        lines.append(f"{n}. [`{when}`](<{seek_url(replay_url, step, start_ts)}>) {step_line(step)}")
    if len(steps) > MAX_REPORT_STEPS:
        lines += ["", f"…and {len(steps) - MAX_REPORT_STEPS} more steps: see the replay."]
    return lines
