"""Pause Python's cyclic garbage collector while decoding or building large event trees.

Decoded events are acyclic (msgpack maps and arrays), yet allocating hundreds of thousands of them triggers
the cyclic collector over and over, each pass walking every live object: decoding one chunk of a real SPA
took 2-3x longer with it on (measured in docs/PERFORMANCE.md, issue 14). Reference counting still frees
everything; the collector runs again when the last pause ends.

The pause is counted, so overlapping pauses (daphne serves chunks from several threads) end only when the
last one does, and the collector is never left off unless it was off before the first pause.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
