"""One daphne for a security module (module scope: each check is quick, a process start is not)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.helpers.processes import spawn_daphne

# The daphne and this process archive into, and read from, the same media directory.
SERVER_MEDIA = tempfile.mkdtemp(prefix="sr-security-media-")
SERVER_ENV = {
    "MEDIA_ROOT": SERVER_MEDIA,
    "SUPPORTREPLAY_MAX_FRAME_BYTES": str(256 * 1024),
    "SUPPORTREPLAY_MAX_PARTS": "4",
    "SUPPORTREPLAY_HELLO_TIMEOUT_SECONDS": "1",
    "SUPPORTREPLAY_METRICS_TOKEN": "test-metrics-bearer-value",
}


@pytest.fixture(scope="session", autouse=True)
def _remove_server_media():
    yield
    shutil.rmtree(SERVER_MEDIA, ignore_errors=True)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    proc = spawn_daphne(**SERVER_ENV)
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def media(settings) -> Path:
    settings.MEDIA_ROOT = SERVER_MEDIA
    return Path(SERVER_MEDIA)


def ws_connect(url: str, origin: str | None, cookie: str | None = None, headers: dict | None = None):
    headers = {**({"Cookie": f"sessionid={cookie}"} if cookie else {}), **(headers or {})} or None
    return connect(
        url,
        origin=origin,
        additional_headers=headers,
        open_timeout=10,
        max_size=None,
        ping_interval=None,
        compression=None,
    )
