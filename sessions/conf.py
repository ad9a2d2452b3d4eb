"""Recording settings: the defaults of those settings.py does not define, and a check of their values.

Read them through `get` (never `getattr(settings, name, default)` at the call site): one default per
setting, and each read sees `override_settings` at once. Settings defined in supportreplay/settings.py
(from the environment, with their defaults there) are read as `settings.NAME`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

DEFAULTS: dict[str, Any] = {
    # A joining agent reuses a stored full snapshot younger than this instead of asking the customer's
    # browser for a new one (0: ask on every join). docs/FIDELITY.md.
    "SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS": 60.0,
    # A watch socket whose page has not acknowledged this many batches (or bytes) is closed: a stalled
    # agent page must not hold an unbounded backlog in daphne's memory.
    "SUPPORTREPLAY_WATCH_MAX_PENDING_BATCHES": 400,
    "SUPPORTREPLAY_WATCH_MAX_PENDING_BYTES": 8 * 1024 * 1024,
}

# Numeric recording settings and the smallest value that works (a zero page size would loop forever,
# a zero lock would let two workers archive the same session).
MINIMUMS: dict[str, float] = {
    "SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS": 0,
    "SUPPORTREPLAY_WATCH_MAX_PENDING_BATCHES": 1,
    "SUPPORTREPLAY_WATCH_MAX_PENDING_BYTES": 1,
    "SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS": 1,
    "SUPPORTREPLAY_ARCHIVE_PAGE_SIZE": 1,
    "SUPPORTREPLAY_ARCHIVE_PAGE_BYTES": 1,
    "SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS": 0,
}


def get(name: str) -> Any:
    """The value of a recording setting: Django's, else this module's default."""
    if name in DEFAULTS:
        return getattr(settings, name, DEFAULTS[name])
    return getattr(settings, name)


@register()
def check_recording_settings(app_configs=None, **kwargs) -> list[Error]:
    problems = []
    for name, minimum in MINIMUMS.items():
        value = get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            problems.append(
                Error(f"{name} must be a number >= {minimum}, not {value!r}.", id="recordings.E001")
            )
    return problems
