"""The Playwright reproduction round trip on the demo shop, with real browsers and real servers:

record a checkout failure in Chromium through the product -> export the generated test -> run it with
pytest-playwright against the demo: green (failure reproduced, from the HAR and from the live backend);
against the demo with its bug fixed: green from the HAR (it needs no backend), red from the live backend.

Playwright launches the machine's Chromium (REPRO_CHROMIUM -> executable_path) and never downloads one.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from tests.e2e.demo_recording import record_checkout_failure
from tests.helpers import live
from tests.helpers.browser import CHROMIUM
from tests.helpers.processes import daphne

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def run_generated(folder: Path, base_url: str, network: str) -> subprocess.CompletedProcess:
    """pytest on the generated test in its own folder (not this suite's config), the way a developer would."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "REPRO_BASE_URL": base_url,
        "REPRO_NETWORK": network,
        "REPRO_CHROMIUM": CHROMIUM,
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(folder),
            str(folder),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_generated_test_reproduces_the_checkout_failure_and_fails_once_it_is_fixed(
    daphne_server, redis_db, tmp_path
):
    recording = record_checkout_failure(daphne_server.url, redis_db, capture_network_bodies=True)
    client = Client()
    client.force_login(live.make_agent())
    response = client.get(f"/sessions/{recording.id}/export/playwright.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    short = str(recording.id)[:8]
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        assert sorted(bundle.namelist()) == sorted(
            ["README.txt", f"test_repro_{short}.py", f"session-{short}.har"]
        )
        bundle.extractall(tmp_path)
    source = (tmp_path / f"test_repro_{short}.py").read_text()
    assert "get_by_label('Card number', exact=True).fill(PLACEHOLDERS['Card number'])" in source
    assert "route_from_har" in source
    for secret in ("Jane", "jane@example.com", "4111", "hunter2"):
        assert secret not in source
        assert secret not in (tmp_path / f"session-{short}.har").read_text()

    buggy = run_generated(tmp_path, daphne_server.url, "har")
    assert buggy.returncode == 0, buggy.stdout + buggy.stderr
    buggy_live = run_generated(tmp_path, daphne_server.url, "live")
    assert buggy_live.returncode == 0, buggy_live.stdout + buggy_live.stderr

    with daphne(SR_DEMO_PAYMENTS_WORK="1") as fixed:
        from_har = run_generated(tmp_path, fixed.url, "har")
        from_backend = run_generated(tmp_path, fixed.url, "live")
    # The HAR still answers 500: the reproduction runs without the (now fixed) backend.
    assert from_har.returncode == 0, from_har.stdout + from_har.stderr
    # Against the fixed backend the recorded failure no longer happens: the test goes red, and says why.
    assert from_backend.returncode == 1, from_backend.stdout + from_backend.stderr
    assert "expected the recorded POST /demo/api/pay → 500" in from_backend.stdout
    assert "assert 200 == 500" in from_backend.stdout
