import io
import logging
import re

import pytest
from django.core.management import call_command

from magiclinks import apitokens, services
from magiclinks.models import MagicLink

from .factories import SITE, TARGET, make_agent

LINKS = 1000
TOKEN_CHARS = re.compile(rb"[A-Za-z0-9_-]{43,}")


def leaked(tokens: set[str], blob: bytes) -> set[str]:
    """Tokens that occur anywhere in `blob` (every 43-character window of every token-like run)."""
    found = set()
    for run in TOKEN_CHARS.findall(blob):
        text = run.decode()
        found |= {text[i : i + 43] for i in range(len(text) - 42)} & tokens
    return found


@pytest.mark.django_db
def test_a_thousand_links_leave_no_raw_token_in_the_database_redis_or_logs(client, caplog, redis_db):
    caplog.set_level(logging.DEBUG)
    agent = make_agent()
    tokens = {services.create_link(agent, target_url=TARGET, site_origin=SITE).token for _ in range(LINKS)}
    assert len(tokens) == LINKS
    assert MagicLink.objects.count() == LINKS

    # One through the admin (token shown once in the page) and one through the API.
    client.force_login(agent)
    page = client.post(
        "/admin/magiclinks/magiclink/add/",
        {"target_url": TARGET, "expires_in": "3600", "max_sessions": "1", "capture_console": "on"},
        HTTP_HOST="127.0.0.1:8000",
    ).content.decode()
    tokens.add(re.search(r"/l/([A-Za-z0-9_-]{43})", page)[1])
    _, api_token = apitokens.create_api_token(agent)
    api = client.post(
        "/api/links",
        {"target_url": TARGET},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
        HTTP_HOST="127.0.0.1:8000",
    )
    tokens.add(api.json()["url"].rsplit("/", 1)[1])

    # Customers open, accept, decline and reopen some of them, plus too many requests from one address.
    for i, token in enumerate(sorted(tokens)[:12]):
        path = f"/l/{token}"
        ip = f"198.51.100.{i}"
        assert client.get(path, REMOTE_ADDR=ip).status_code == 200
        choice = "decline" if i % 3 == 0 else "accept"
        client.post(path, {"choice": choice}, REMOTE_ADDR=ip)
        client.get(path, REMOTE_ADDR=ip)
    for token in sorted(tokens)[12:40]:
        client.get(f"/l/{token}", REMOTE_ADDR="198.51.100.250")  # the last 8 answer 429

    sample = next(iter(tokens))
    assert leaked(tokens, f"/l/{sample}-and-more".encode()) == {sample}  # the search itself works
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert leaked(tokens, dump.getvalue().encode()) == set()
    assert (
        leaked(
            tokens, b"\n".join(k + b"=" + (redis_db.get(k) or b"") for k in redis_db.keys("sr:ratelimit*"))
        )
        == set()
    )
    logs = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "/l/[redacted]" in logs  # the 410s and 429s were logged, without their token
    assert leaked(tokens, logs.encode()) == set()
    assert leaked(tokens, caplog.text.encode()) == set()


def test_link_paths_are_redacted_in_log_lines_and_daphne_access_lines():
    from daphne.access import AccessLogGenerator

    from supportreplay.logfilters import redact

    token = "x" * 43
    assert redact(f"Gone: /l/{token}") == "Gone: /l/[redacted]"
    stream = io.StringIO()
    AccessLogGenerator(stream)(
        "http",
        "complete",
        {"client": "1.2.3.4:5", "method": "GET", "path": f"/l/{token}", "status": 200, "size": 1},
    )
    assert token not in stream.getvalue()
    assert "/l/[redacted]" in stream.getvalue()
