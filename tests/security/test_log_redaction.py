"""Finding 12 (issue 12): a link token never reaches a log line, whatever spelling of the link path a
client, a proxy or a mail program produced. One filter (supportreplay/logfilters.py), checked on its own
and against a real daphne whose Django log and access log are read back."""

from __future__ import annotations

import contextlib
import io
import logging
import secrets
import subprocess
import time
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from daphne.access import AccessLogGenerator

from supportreplay.logfilters import RedactSecrets, redact
from tests.helpers.processes import BIN, ROOT, Proc, _log_file, child_env, free_port

TOKEN = secrets.token_urlsafe(32)
APP = "supportreplay.asgi:application"


def spellings(token: str) -> list[str]:
    """Paths that carry the token: what browsers, proxies, mail clients and scanners send."""
    encoded = "".join(f"%{ord(c):02X}" for c in token[:6]) + token[6:]
    return [
        f"/l/{token}",
        f"/L/{token}",
        f"/l//{token}",
        f"//l/{token}",
        f"/l/{token}/",
        f"/l%2F{token}",
        f"/l%2f{token}",
        f"/%6C/{token}",
        f"/%4C/{token}",
        f"/l/{encoded}",
        f"/l%252F{token}",
        f"/x/../l/{token}",
        f"/l/{token}?utm_source=mail",
    ]


@pytest.mark.parametrize("path", spellings(TOKEN))
def test_every_spelling_of_a_link_path_loses_its_token(path):
    line = redact(f'Not Found: {path} "GET {path} HTTP/1.1" 404')
    assert TOKEN not in line
    assert TOKEN[6:] not in line  # nor its tail after percent-encoded characters
    assert "/l/[redacted]" in line


def test_other_paths_are_left_alone():
    for path in (
        "/lang/en/",
        "/api/links",
        "/static/recorder/loader.js",
        "/sessions/1/live",
        "/l/[redacted]",
    ):
        assert redact(path) == path


def test_the_filter_redacts_messages_arguments_tracebacks_and_drops_the_request():
    try:
        raise ValueError(f"bad link /L/{TOKEN}")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Gone: %s", (f"/L/{TOKEN}",), exc_info
    )
    record.request = type("Request", (), {"path": f"/l//{TOKEN}"})()
    assert RedactSecrets().filter(record) is True
    text = logging.Formatter().format(record)
    assert TOKEN not in text
    assert "Gone: /l/[redacted]" in text
    assert "ValueError: bad link /l/[redacted]" in text
    assert record.request is None


def test_daphne_access_log_lines_are_redacted():
    import magiclinks.apps  # noqa: F401  (django.setup ran: install() patched daphne)

    stream = io.StringIO()
    log = AccessLogGenerator(stream)
    for path in spellings(TOKEN):
        log(
            "http",
            "complete",
            {"client": "1.2.3.4:5", "method": "GET", "path": path, "status": 404, "size": 1},
        )
    assert TOKEN not in stream.getvalue()
    assert TOKEN[6:] not in stream.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.processes
def test_a_real_daphne_logs_no_token_for_any_spelling(redis_db):
    """daphne with its access log on stdout and Django's request log: every 404/410 line is redacted."""
    port = free_port()
    log_path = _log_file("daphne-redaction")
    popen = subprocess.Popen(
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "--access-log", "-", APP],
        cwd=ROOT,
        env=child_env(LOG_LEVEL="INFO"),
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    proc = Proc(popen, port, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(f"{proc.url}/healthz/live", timeout=2).read()
                break
            except HTTPError:
                break
            except OSError:
                assert popen.poll() is None, proc.log()
                assert time.monotonic() < deadline, proc.log()
                time.sleep(0.2)
        for path in spellings(TOKEN):
            with contextlib.suppress(HTTPError):
                urlopen(f"{proc.url}{path}", timeout=10).read()
        deadline = time.monotonic() + 10
        while proc.log().count("/l/[redacted]") < len(spellings(TOKEN)) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.stop()
    output = proc.log()
    assert output.count("/l/[redacted]") >= len(spellings(TOKEN))  # the requests were logged...
    assert TOKEN not in output  # ...without the token
    assert TOKEN[6:] not in output
