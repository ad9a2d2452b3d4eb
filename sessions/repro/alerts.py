"""Alert-like elements of the recorded DOM: where the walk looks for the visible error state. Pure."""

from __future__ import annotations

import re

from . import a11y
from .mirror import Mirror, Node

ALERT_ROLES = frozenset({"alert", "status", "alertdialog"})
ALERT_CLASSES = frozenset({"error", "alert", "is-error", "has-error"})


def alertish(node: Node) -> bool:
    attrs = node.attrs
    if attrs.get("aria-live") == "assertive":
        return True
    classes = attrs.get("class")
    if classes and any(c in ALERT_CLASSES for c in classes.lower().split()):
        return True
    return a11y.role(node) in ALERT_ROLES


def first_alertish(mirror: Mirror, node: Node | None, passed: set[int]) -> Node | None:
    """The node or its nearest alert-like ancestor; None also when the walk reaches a node `passed` (an
    earlier walk of the same mutation went through it: it found the same alert, already judged)."""
    current = node
    while current is not None:
        if current.id in passed:
            return None
        passed.add(current.id)
        if alertish(current):
            return current
        current = mirror.parent(current)
    return None


def stable_text(text: str, limit: int = 60) -> str:
    """The start of a recorded text up to any masked part, cut at a word boundary."""
    cut = re.split(r"[*•\[]", text, maxsplit=1)[0].strip()
    if len(cut) > limit:
        cut = cut[:limit].rsplit(" ", 1)[0]
    return cut
