import subprocess
import sys

import pytest

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


PROD = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "support.example.com"}
SHOW = (
    "import django; django.setup(); from django.conf import settings as s; from django.urls import resolve\n"
    "print(s.STORAGES['default']['BACKEND'], getattr(s, 'AWS_STORAGE_BUCKET_NAME', '-'),"
    " getattr(s, 'AWS_S3_ENDPOINT_URL', '-'))\n"
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
    " s.SECRET_KEY_FALLBACKS)\n"
    "print(s.ADMINS, s.EMAIL_HOST, s.EMAIL_PORT, s.LOGGING['handlers']['console']['formatter'])\n"
    "print(s.SUPPORTREPLAY_DEMO, s.TRUSTED_PROXIES)\n"
)


def show(env: dict) -> list[str]:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "supportreplay.settings", "HOME": "/tmp"}
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_production_defaults_are_safe_and_the_demo_is_off():
    storage, security, _mail, product = show(PROD)
    assert security == "False 0 False []"
    assert storage.startswith("django.core.files.storage.FileSystemStorage")
    assert product == "False []"


def test_everything_is_configurable_from_the_environment():
    env = {
        **PROD,
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "archives",
        "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECRET_KEY_FALLBACKS": "old-key-1,old-key-2",
        "ADMINS": "Ops <ops@example.com>,jane@example.com",
        "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
        "LOG_FORMAT": "json",
        "SUPPORTREPLAY_DEMO": "true",
        "TRUSTED_PROXIES": "10.0.0.5,172.16.0.0/12",
    }
    storage, security, mail, product = show(env)
    assert storage == "storages.backends.s3.S3Storage archives https://minio.internal:9000"
    assert security == "True 31536000 True ['old-key-1', 'old-key-2']"
    assert mail == "[('Ops', 'ops@example.com'), ('', 'jane@example.com')] smtp.example.com 587 json"
    assert product == "True ['10.0.0.5', '172.16.0.0/12']"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be filesystem or s3"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be plain or json"),
    ],
)
def test_bad_values_stop_start_up_with_a_clear_message(env, message):
    result = run_with({**PROD, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_json_logs_are_one_redacted_object_per_line():
    import json
    import logging

    from supportreplay.logformat import JsonFormatter

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Gone: %s", ("/x",), None)
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["level"], entry["logger"], entry["message"]) == ("WARNING", "django.request", "Gone: /x")
