"""A replay that travels: one self-contained HTML file with the player, panels, steps and masked events.

It opens from disk (file://) with no network: the player bundle, its CSS and every chunk are inline, and a
Content-Security-Policy meta tag allows nothing else (no fetch, no images, fonts or frames from anywhere,
only the one inline script, by hash), so neither the file nor a recorded page inside it can load or send
anything. Written chunk by chunk: one chunk of events is in memory at a time.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import json_script

CHUNK_MARK = "<!--sr-chunks-->"
SCRIPT = "player/standalone.js"
STYLES = ("css/app.css", "player/standalone.css", "css/replay-extras.css")


class BundleMissing(RuntimeError):
    """The standalone player bundle is not built (`npm run build`)."""


def _read(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise BundleMissing(f"static file {path} not found: run `npm run build`")
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'sha256-{digest}'",
            "style-src 'unsafe-inline'",
            "img-src data: blob:",
            "font-src data:",
            "media-src data: blob:",
            "connect-src 'none'",
            "frame-src 'self' about: blob:",
            "child-src 'self' about: blob:",
            "form-action 'none'",
            "base-uri 'none'",
        ]
    )


def standalone_html(
    *,
    short: str,
    ticket: str,
    started: Any,
    manifest: dict[str, Any],
    steps: dict[str, Any],
    notes: dict[str, Any],
    chunk: Callable[[int], list[dict]],
) -> Iterator[str]:
    """The HTML document in pieces: head and page (with the steps and the agents' notes, read-only), then one
    `<script type=application/json>` per chunk."""
    script = _read(SCRIPT).replace("</script", "<\\/script")
    css = "\n".join(_read(path) for path in STYLES).replace("</style", "<\\/style")
    config = {
        "mode": "replay",
        "session": short,
        "manifest": "inline:manifest",
        "chunk": "inline:chunk/",
        "steps": "inline:steps",
        "notes": "inline:notes",
        "state": "archived",
    }
    page = render_to_string(
        "recordings/standalone.html",
        {
            "csp": csp(script),
            "css": css,
            "js": script,
            "short": short,
            "ticket": ticket,
            "started": started,
            "player_config": config,
            "manifest": manifest,
            "steps": steps,
            "notes": notes,
        },
    )
    head, tail = page.split(CHUNK_MARK, 1)
    yield head
    for n in range(len(manifest.get("chunks", []))):
        yield json_script(chunk(n), f"sr-chunk-{n}") + "\n"
    yield tail
