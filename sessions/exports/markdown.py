"""Markdown that recorded text cannot escape from. One place for every export that writes Markdown.

Everything in a bug report that came from the recorded page (URLs, error messages, stacks, element names,
titles, environment values) is attacker-controlled: a page can put `# Fake heading`, `[Log in](evil)`,
`<img src=...>` or a closing code fence into an error message. So:

- `code(text)`: a code span, the default for recorded values: literal in every renderer (no emphasis,
  link, HTML or autolink inside), on one line, with a backtick fence longer than any run inside it;
  `table=True` also escapes `|`, which GFM tables split on even inside code spans;
- `fence(text)`: a fenced block for multi-line text (stacks), its fence longer than any backtick run in it;
- `inline(text)`: prose for short recorded text that reads better unformatted (element names in steps):
  one line, Markdown and HTML specials backslash-escaped, `&` as an entity, and URL autolinks
  (`https://`, `www.`) broken with an invisible word joiner so nothing becomes a link.

All three drop control and bidirectional-override characters (which could make text read backwards).
"""

from __future__ import annotations

import re
from typing import Any

# C0/C1 controls (tab and newline handled by the callers) and bidi embedding/override/isolate characters.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Enough to keep recorded text inline text: `#`, `!`, `(` only mean something at a line start (ours never
# is recorded text) or next to `[` (escaped).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp)(:)(//)|\b(www)(\.)")
_TICKS = re.compile(r"`+")
WORD_JOINER = "\u2060"


def _clean(text: Any, limit: int) -> str:
    value = text if isinstance(text, str) else ("" if text is None else str(text))
    return _UNPRINTABLE.sub("\ufffd", value[:limit])


def _one_line(text: Any, limit: int) -> str:
    return " ".join(_clean(text, limit).split())


def _longest_tick_run(text: str) -> int:
    return max((len(m) for m in _TICKS.findall(text)), default=0)


def code(text: Any, *, table: bool = False, limit: int = 2000) -> str:
    flat = _one_line(text, limit)
    if not flat:
        return "(empty)"
    if table:
        flat = flat.replace("|", "\\|")
    fence = "`" * (_longest_tick_run(flat) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def fence(text: Any, *, limit: int = 8000) -> list[str]:
    body = _clean(text, limit).replace("\t", "    ").splitlines() or [""]
    marker = "`" * max(3, _longest_tick_run("\n".join(body)) + 1)
    return [f"{marker}text", *body, marker]


def inline(text: Any, *, limit: int = 500) -> str:
    flat = _SPECIAL.sub(r"\\\1", _one_line(text, limit).replace("&", "&amp;"))
    return _AUTOLINK.sub(
        lambda m: f"{m[1]}{m[2]}{WORD_JOINER}{m[3]}" if m[1] else f"{m[4]}{WORD_JOINER}{m[5]}", flat
    )


def plain_value(value: Any) -> str:
    """A recorded value as words, never a Python repr: {'width': 1280, 'height': 800} -> 1280x800."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        if set(value) == {"width", "height"}:
            return f"{plain_value(value['width'])}x{plain_value(value['height'])}"
        return ", ".join(f"{key}: {plain_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain_value(item) for item in value) or "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
