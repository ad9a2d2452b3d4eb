"""Repro steps computed once, in the pass that writes the archive, and kept in the session's summary.

The replay page's `/data/steps` then serves the stored value for an archived session instead of walking
the whole recording in a web request (sessions/repro/views.py); sessions archived before steps were
stored, and ended sessions still in Redis, are walked on request.
"""

from __future__ import annotations

import logging
from typing import Any

from ..archive.chunking import Batch
from .steps import Walking, payload

log = logging.getLogger(__name__)

SUMMARY_KEY = "repro_steps"


class ArchiveSteps:
    """Fed every batch of the archive pass. The archive must not fail because of its steps: a walk that
    raises is logged and stores nothing, and the replay page derives the steps on request instead."""

    def __init__(self) -> None:
        self._walking: Walking | None = Walking(steps_only=True)

    @property
    def walking(self) -> bool:
        """Whether the next batch is still walked (the archive decodes the DOM events it keeps as bytes
        only for the walk, and only while this holds)."""
        return self._walking is not None and not self._walking.done

    def add(self, batch: Batch) -> None:
        if self._walking is None:
            return
        try:
            self._walking.add(batch)
        except Exception:
            log.exception("repro steps: walk failed, not stored with the archive")
            self._walking = None

    def store(self, summary: dict[str, Any], start_ts: int) -> None:
        if self._walking is None:
            return
        try:
            summary[SUMMARY_KEY] = payload(self._walking.finish(), start_ts)
        except Exception:
            log.exception("repro steps: walk failed, not stored with the archive")


def stored_steps(summary: dict[str, Any]) -> dict[str, Any] | None:
    """The steps the archive stored, or None."""
    steps = summary.get(SUMMARY_KEY)
    return steps if isinstance(steps, dict) else None
