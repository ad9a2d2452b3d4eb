import subprocess
import sys

from tests.helpers.processes import ROOT

SETUP = "import django; django.setup(); print('started')"


def run_with(env: dict) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "supportreplay.settings", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_fails_with_a_clear_message():
    result = run_with({"DEBUG": "false", "ALLOWED_HOSTS": "support.example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_off_without_allowed_hosts_fails_with_a_clear_message():
    result = run_with({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_debug_off_with_both_set_starts():
    result = run_with({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "support.example.com"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
