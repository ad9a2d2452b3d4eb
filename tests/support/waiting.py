"""Polling until something is true: the one helper tests and benchmarks wait with (never a bare sleep
before a check)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    probe: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.1,
    message: str = "",
    on_retry: Callable[[], object] | None = None,
) -> T:
    """Poll `probe` until it returns something truthy (returned); fail with `message` after `timeout`
    seconds. `on_retry` runs between polls (e.g. nudge a sweeper)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout} s: {message or getattr(probe, '__name__', probe)}"
            )
        if on_retry is not None:
            on_retry()
        time.sleep(interval)
