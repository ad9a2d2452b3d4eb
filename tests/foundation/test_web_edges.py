"""Edges of the web process: an unknown websocket path closes cleanly, a wrong Host header is one WARNING
line (no ERROR, no traceback), the demo shop is off unless enabled, and daphne's one command line."""

import logging

import pytest
from channels.testing import WebsocketCommunicator

from supportreplay.asgi import application
from supportreplay.web import daphne_command


async def test_an_unknown_websocket_path_is_closed_with_4404_not_a_server_error():
    communicator = WebsocketCommunicator(application, "/ws/nothing-here/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}


@pytest.mark.django_db
def test_a_wrong_host_header_logs_one_warning_without_a_traceback(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/sessions/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None
    assert "evil.example" not in records[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_daphne_binds_to_loopback_by_default_without_proxy_headers_or_access_log():
    command = daphne_command(environ={})
    assert command[command.index("-b") + 1] == "127.0.0.1"
    assert command[command.index("-p") + 1] == "8000"
    assert "--proxy-headers" not in command
    assert command[command.index("--access-log") + 1] == "/dev/null"
    assert command[-1] == "supportreplay.asgi:application"


def test_daphne_host_port_and_frame_cap_come_from_the_environment():
    command = daphne_command(
        environ={"WEB_HOST": "0.0.0.0", "PORT": "9001", "SUPPORTREPLAY_MAX_FRAME_BYTES": "1000"}
    )
    assert command[command.index("-b") + 1] == "0.0.0.0"
    assert command[command.index("-p") + 1] == "9001"
    assert command[command.index("--websocket-max-frame-size") + 1] == "2000"


def test_the_procfile_starts_daphne_through_the_one_definition():
    from tests.helpers.processes import ROOT

    lines = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if ": " in line)
    assert lines["web"] == "python -m supportreplay.web"
    assert " -s " not in lines["beat"]


def test_error_mail_to_admins_never_carries_a_link_token(settings, mailoutbox):
    from django.test import RequestFactory

    from supportreplay.logformat import RedactingAdminEmailHandler

    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.ALLOWED_HOSTS = ["testserver"]
    token = "SeCrEtToKeN" * 4
    record = logging.LogRecord(
        "django.channels", logging.ERROR, __file__, 1, "Failure at %s", (f"/l/{token}",), None
    )
    record.request = RequestFactory().get(f"/l/{token}")  # what Django's error reports quote
    RedactingAdminEmailHandler(include_html=True).emit(record)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert "/l/[redacted]" in mail.subject
    assert "Request URL" in mail.body  # the body quotes the request ...
    assert token not in mail.subject + mail.body  # ... without its token
    assert all(token not in content for content, _type in mail.alternatives)
