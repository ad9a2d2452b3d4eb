"""A filesystem storage whose reads of one object wait at a gate the test opens: a request held in a
storage read, on purpose, for as long as the test wants.

Used by a daphne that a test starts (SR_TEST_STORAGE_BACKEND=tests.support.gated_storage.GatedStorage).
The gate is two files next to the object: `<object>.gate` present means "hold reads of this object";
on entering a held read the storage writes `<object>.entered` (so the test knows a request is inside
it) and waits until the gate file is removed. Other objects read as usual.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.files.storage import FileSystemStorage

HOLD_LIMIT_SECONDS = 120  # never hold a daphne thread for ever if a test dies before opening the gate


def gate(path: Path) -> Path:
    return path.with_name(path.name + ".gate")


def entered(path: Path) -> Path:
    return path.with_name(path.name + ".entered")


class GatedStorage(FileSystemStorage):
    def _open(self, name, mode="rb"):
        path = Path(self.path(name))
        if gate(path).exists():
            entered(path).touch()
            deadline = time.monotonic() + HOLD_LIMIT_SECONDS
            while gate(path).exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return super()._open(name, mode)
