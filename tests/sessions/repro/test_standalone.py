"""The standalone HTML export: recorded text inside it stays data, and its policy allows only its script."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

from sessions.repro.standalone import csp, standalone_html

EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"


def document() -> str:
    chunk = [{"type": 5, "timestamp": 1, "data": {"tag": "sr.error", "payload": {"message": EVIL}}}]
    return "".join(
        standalone_html(
            short="0123abcd",
            ticket=EVIL,
            started=datetime(2026, 12, 1, tzinfo=UTC),
            manifest={"chunks": [{"index": 0}, {"index": 1}], "markers": [{"label": EVIL}]},
            steps={"start_ts": 0, "steps": [{"action": EVIL}], "truncated": False},
            notes={"start_ts": 0, "notes": [{"id": 1, "ts": 5, "t": 0.0, "text": EVIL, "author": EVIL}]},
            chunk=lambda index: chunk,
        )
    )


def test_recorded_text_never_becomes_markup_in_the_html_export():
    html = document()
    assert EVIL not in html
    assert "<img" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    # The config, manifest, steps, notes and two chunks as inert JSON, and one executable script: the player.
    assert scripts.count('<script id="sr-notes" type="application/json">') == 1
    assert scripts.count('<script id="sr-chunk-0" type="application/json">') == 1
    assert scripts.count('<script id="sr-chunk-1" type="application/json">') == 1
    assert [s for s in scripts if "application/json" not in s] == ["<script>"]


def test_the_policy_allows_exactly_the_inline_player_script():
    html = document()
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    player = re.search(r"<script>(.*)</script>", html, re.S).group(1)
    assert policy == csp(player)
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    for directive in ("default-src 'none'", "connect-src 'none'", "form-action 'none'", "base-uri 'none'"):
        assert directive in policy
