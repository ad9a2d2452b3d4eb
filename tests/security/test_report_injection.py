"""Finding 10 (issue 12) and issue 13's "Python reprs": a recorded page cannot write Markdown into the bug
report. A session full of hostile strings goes through the real ingest socket and archive; its report,
downloaded from the export endpoint, is parsed with a GFM-like CommonMark parser (markdown-it-py with
tables and URL autolinks) and checked token by token."""

from __future__ import annotations

import copy
import re

import pytest
from django.contrib.auth.models import Permission
from markdown_it import MarkdownIt

from sessions.archive import service
from tests.magiclinks.factories import make_agent
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import (
    T0,
    click_event,
    environment_event,
    full_snapshot_event,
    js_error,
    meta_event,
    payment_error_log,
    payment_request,
)

pytestmark = pytest.mark.django_db(transaction=True)

EVIL = "evil.example"
PAGE_URL = "https://shop.example/cart?q=a|b#\n# Fake heading from the URL\n[phish](https://evil.example/u)"
CONSOLE = "[Verify your account](https://evil.example/login) <img src=https://evil.example/p.png> **bold**"
JS_MESSAGE = "\n\n# Fake heading from an error\n\nLog in again at https://evil.example/a or www.evil.example"
STACK = "Error: boom\n```\n# Injected after the fence\n<script>alert(1)</script>\n````\n~~~\nat x (a.js:1:1)"
BUTTON = "[Click me](https://evil.example/b) <b>bold</b> `tick` | pipe\n# heading"
REQUEST_URL = "https://evil.example/api|x`y`<img src=https://evil.example/r.png>"


def _hostile_snapshot(ts: int) -> dict:
    snapshot = copy.deepcopy(full_snapshot_event(ts))
    html = snapshot["data"]["node"]["childNodes"][1]
    body = html["childNodes"][1]
    button = body["childNodes"][1]  # the #pay button, node id 8
    button["childNodes"][0]["textContent"] = BUTTON
    return snapshot


def _hostile_environment(ts: int) -> dict:
    event = environment_event(ts)
    event["data"]["payload"].update(
        {
            "title": "# Title heading <img src=https://evil.example/t.png>",
            "screen": {"width": 1280, "height": 800},
            "viewport": {"width": 1280, "height": 720},
            "cookiesEnabled": False,
            "online": True,
            "languages": ["en-US", "de"],
            "referrer": None,
        }
    )
    return event


def _hostile_batches() -> list[list[dict]]:
    error = js_error(JS_MESSAGE, ts=T0 + 3000)
    error["data"]["payload"]["stack"] = STACK
    error["data"]["payload"]["kind"] = "error\n# Kind heading"
    return [
        [_hostile_environment(T0), meta_event(T0, href=PAGE_URL), _hostile_snapshot(T0)],
        [click_event(T0 + 1000, node=8)],
        [payment_error_log(T0 + 2000, message=CONSOLE), error],
        [payment_request(T0 + 4000, url=REQUEST_URL, status=500, method="GET|`x`")],
    ]


@pytest.fixture
def report(client, redis_db, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    live = make_session(ticket_ref="T-1 [x](https://evil.example/t)")
    ingest(live.credential, _hostile_batches())
    assert service.archive_session(live.id).status == "archived"
    agent = make_agent(permitted=False, staff=False)
    agent.user_permissions.add(
        *Permission.objects.filter(codename__in=["watch_recordingsession", "export_recordingsession"])
    )
    client.force_login(agent)
    response = client.get(f"/sessions/{live.id}/export/report.md")
    assert response.status_code == 200
    return response.content.decode()


def _tokens(markdown: str):
    parser = MarkdownIt("gfm-like")  # CommonMark + tables + strikethrough + URL autolinks (linkify)
    parser.linkify.set({"fuzzy_link": False})  # GFM links scheme:// and www. only, not bare domains
    flat = []
    for token in parser.parse(markdown):
        flat.append(token)
        flat.extend(token.children or [])
    return parser, flat


def test_recorded_text_cannot_add_headings_links_html_or_escape_a_fence(report):
    parser, tokens = _tokens(report)
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag in ("h1", "h2")
    ]
    assert headings[0].startswith("Bug report: session ")
    assert headings[1:] == [
        "Environment",
        "Pages visited",
        "Steps to reproduce",
        "First error",
        "Failing requests",
        "Errors",
    ]
    every_heading = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any("Fake" in h or "Injected" in h for h in every_heading)
    # Our h3 headings (one per error) start with their time; recorded text inside them is only text.
    h3 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h3"]
    assert len(h3) == 2
    assert all(re.match(r"`\d\d:\d\d` ", h) for h in h3)

    links = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    assert links, "the replay links are there"
    assert all(EVIL not in href and href.startswith("http://testserver/sessions/") for href in links)
    assert not [t for t in tokens if t.type in ("html_inline", "html_block", "image")]

    # The stack stays in one code block, its fake fences and <script> included.
    fences = [t for t in tokens if t.type == "fence"]
    assert any("# Injected after the fence" in f.content and "<script>" in f.content for f in fences)

    html = parser.render(report)
    for tag in ("<img", "<script", "<b>"):
        assert tag not in html
    assert EVIL not in " ".join(t.attrGet("href") or "" for t in tokens)


def test_the_report_is_markdown_not_python_reprs(report):
    assert "{'" not in report
    assert "['" not in report
    environment = report.split("## Environment")[1].split("## Pages visited")[0]
    assert "| screen | `1280x800` |" in environment
    assert "| cookiesEnabled | `no` |" in environment
    assert "| online | `yes` |" in environment
    assert "| languages | `en-US, de` |" in environment
    for python_word in ("False", "True", "None"):
        assert python_word not in environment
    # The hostile values are still there to read, as literal text.
    _parser, tokens = _tokens(report)
    code = " ".join(t.content for t in tokens if t.type in ("code_inline", "fence"))
    assert "[Verify your account](https://evil.example/login)" in code
    assert "<img src=https://evil.example/r.png>" in code
