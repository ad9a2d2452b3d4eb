"""Every kind of secret, typed into a hostile page that echoes it everywhere, is stored nowhere.

The whole real path: a magic link on the support server (127.0.0.1), consent in Chromium, the echo page
on another origin (localhost) loading the recorder cross-origin, daphne, Redis, "Stop sharing", a real
Celery worker archiving. Then Redis, the archive, the database, the exports (rrweb JSON, HAR, Markdown,
HTML replay, Playwright repro) and the logs of every process are searched for every encoding of every
secret: zero matches. And what is not a secret (a millisecond timestamp, an order number) is still
there, unmasked.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from selenium.webdriver.common.by import By

from magiclinks import services as links
from sessions.archive import source
from sessions.models import SessionState
from tests.e2e.conftest import banner_text, click_banner_button, redis_raw_dump, stream_batches, wait_for
from tests.e2e.consent_helpers import accept_link
from tests.helpers.browser import make_driver
from tests.helpers.processes import celery_worker, daphne, free_port
from tests.vectors.privacy.generate import ENCODINGS

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
# What the customer types -> what must never be stored, in any encoding.
TYPED = {
    "4111 1111 1111 1111": ["4111 1111 1111 1111", "4111111111111111"],
    "378282246310005": ["378282246310005"],
    "5555-5555-5555-4444": ["5555-5555-5555-4444", "5555555555554444"],
    "jane.doe@example.com": ["jane.doe@example.com"],
    "Bearer abcDEF1234567890xyz": ["abcDEF1234567890xyz"],
    "Basic dXNlcjpodW50ZXIy": ["dXNlcjpodW50ZXIy"],
    JWT: [JWT],
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc": ["sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
    "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8": ["ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"],
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv": [
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv"
    ],
    "AKIAIOSFODNN7EXAMPLE": ["AKIAIOSFODNN7EXAMPLE"],
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy": [
        "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
    ],
    "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe": ["AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe"],
    "glpat-xR9bK2mN4pQ7sT1vW3yZ": ["glpat-xR9bK2mN4pQ7sT1vW3yZ"],
    "https://admin:Hunter2pass@api.example.net/v1": ["admin:Hunter2pass", "Hunter2pass"],
    "password=Tr0ub4dor-x9Q": ["Tr0ub4dor-x9Q"],
    '{"api_key": "Zq81-sekrit-Lm4"}': ["Zq81-sekrit-Lm4"],
    "session=Sess10nV4lue77": ["Sess10nV4lue77"],
}
KEPT = ["1795383655820", "1000000000009"]


def forbidden_strings() -> dict[str, str]:
    """Every encoding of every secret -> the secret it encodes."""
    out = {}
    for secrets in TYPED.values():
        for secret in secrets:
            for encode in ENCODINGS.values():
                out[encode(secret)] = secret
    return out


def split_pieces() -> dict[str, str]:
    """The exact texts of the nodes the page splits each typed value into (two text nodes, two highlighted
    spans) -> the value: each must have lost its share of the secret."""
    out = {}
    for typed in TYPED:
        cut = len(typed) // 2
        for piece in (typed[:cut], typed[cut:], f"-H 'Authorization: {typed[:cut]}", f"{typed[cut:]}'"):
            out[piece] = typed
    return out


def all_strings(value) -> set[str]:
    found, stack = set(), [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _decoded_stream(session_id) -> str:
    return json.dumps([[b.tab, b.seq, b.events] for b in stream_batches(session_id)], ensure_ascii=False)


def _send(driver, value: str, count: int) -> None:
    field = driver.find_element(By.ID, "value")
    field.clear()
    field.send_keys(value)
    driver.find_element(By.ID, "send").click()
    wait_for(
        lambda: driver.find_element(By.ID, "sent-count").text == str(count), message=f"row {count} echoed"
    )


def _archive_bytes(session, media) -> tuple[bytes, str]:
    raw = b"".join(path.read_bytes() for path in sorted(media.rglob("*")) if path.is_file())
    assert raw, "the archive is in storage"
    decoded = json.dumps([[b.tab, b.seq, b.events] for b in source.all_batches(session)], ensure_ascii=False)
    return raw, decoded


def test_secrets_typed_into_an_echo_page_are_stored_nowhere(redis_db, agent_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    port = free_port()
    support = f"http://127.0.0.1:{port}"
    # The echo page is another origin than the support server: same daphne, other host name.
    settings.SUPPORTREPLAY_ALLOWED_ORIGINS = [
        *settings.SUPPORTREPLAY_ALLOWED_ORIGINS,
        f"http://localhost:{port}",
    ]
    env = {"MEDIA_ROOT": settings.MEDIA_ROOT, "SUPPORTREPLAY_PUBLIC_URL": support}
    created = links.create_link(
        agent_user,
        target_url=f"http://localhost:{port}/demo/echo",
        site_origin=support,
        customer_name="Dana",
        capture_network_bodies=True,
    )
    haystacks: dict[str, bytes | str] = {}
    driver = make_driver()
    with daphne(port=port, **env) as server, celery_worker(**env) as worker:
        try:
            session = accept_link(driver, created, support)
            assert driver.current_url.startswith(f"http://localhost:{port}/demo/echo")
            for count, value in enumerate(TYPED, start=1):
                _send(driver, value, count)

            def everything_stored(snapshots: int) -> bool:
                events = [e for b in stream_batches(session.id) for e in b.events]
                errors = [e for e in events if e["type"] == 5 and e["data"].get("tag") == "sr.error"]
                fulls = sum(e["type"] == 2 for e in events)
                return len(errors) >= len(TYPED) and fulls >= snapshots

            wait_for(lambda: everything_stored(1), timeout=30, message="the error of every echo is stored")
            # A reload snapshots every echoed row at once (full snapshot instead of mutations).
            driver.refresh()
            wait_for(lambda: "Sharing this tab with" in banner_text(driver), message="recording after reload")
            wait_for(
                lambda: driver.find_element(By.ID, "sent-count").text == str(len(TYPED)), message="rows back"
            )

            wait_for(lambda: everything_stored(2), timeout=30, message="the reload's full snapshot is stored")
            haystacks["redis (raw)"] = redis_raw_dump(redis_db)
            haystacks["redis (decoded)"] = _decoded_stream(session.id)
            click_banner_button(driver)
            wait_for(lambda: "stopped sharing" in banner_text(driver), message="stopped")

            def archived() -> bool:
                session.refresh_from_db()
                return session.state == SessionState.ARCHIVED

            wait_for(archived, timeout=60, message="archived by the Celery worker")
        finally:
            driver.quit()
        logs = server.log() + worker.log()

    raw, decoded = _archive_bytes(session, tmp_path / "media")
    haystacks["archive (raw)"] = raw
    haystacks["archive (decoded)"] = decoded
    haystacks["redis after archive"] = redis_raw_dump(redis_db)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    haystacks["database"] = dump.getvalue()
    client = Client()
    client.force_login(agent_user)
    for name in ("events.json", "network.har", "report.md", "replay.html", "playwright.zip"):
        response = client.get(f"/sessions/{session.pk}/export/{name}")
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"\n".join(archive.read(member) for member in archive.namelist())
        haystacks[f"export {name}"] = body
    haystacks["session list"] = client.get("/sessions/").content + client.get("/sessions/rows.json").content
    haystacks["logs"] = logs

    leaks = []
    for where, haystack in haystacks.items():
        text = haystack.decode("utf-8", "replace") if isinstance(haystack, bytes) else haystack
        for encoded, secret in forbidden_strings().items():
            at = text.find(encoded)
            if at >= 0:
                leaks.append((where, secret, text[max(0, at - 120) : at + len(encoded) + 40]))
    assert not leaks, leaks[:20]
    for where in ("redis (decoded)", "archive (decoded)"):
        texts = all_strings(json.loads(haystacks[where]))
        split_leaks = [(piece, typed) for piece, typed in split_pieces().items() if piece in texts]
        assert not split_leaks, (where, split_leaks)

    stored = haystacks["archive (decoded)"]
    for placeholder in ("[card]", "[email]", "[key]", "[jwt]", "[redacted]"):
        assert placeholder in stored, placeholder
    for kept in KEPT:
        assert kept in stored, f"{kept} is not a secret and must stay readable"
    assert "Lookup failed for" in haystacks["export report.md"].decode()
