"""The deploy/ files say what DEPLOY.md promises (checked without starting anything)."""

import re

import pytest

from tests.deploy.stack import procfile
from tests.helpers.processes import ROOT

DEPLOY = ROOT / "deploy"


def test_the_nginx_template_renders_only_its_placeholders_and_refuses_missing_ones():
    import sys

    sys.path.insert(0, str(DEPLOY))
    from render_nginx import NAMES, render

    values = {name: f"<{name}>" for name in NAMES}
    text = render(values)
    assert "${" not in text
    assert "$remote_addr" in text  # nginx's own variables stay
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "$proxy_add_x_forwarded_for" not in text  # appending would keep what the client forged
    assert re.search(r'~\^/l/\s+"/l/\[redacted\]"', text)
    assert "$request " not in text.split("log_format", 1)[1].split(";", 1)[0]
    with pytest.raises(ValueError, match="TLS_KEY"):
        render({**values, "TLS_KEY": ""})


def test_compose_runs_two_webs_one_worker_one_beat_and_a_durable_redis():
    text = (DEPLOY / "compose.yaml").read_text()
    services = re.findall(r"^  ([a-z0-9]+):$", text, re.M)
    assert {"web1", "web2", "worker", "beat", "postgres", "redis", "proxy"} <= set(services)
    assert '"--appendonly", "yes"' in text
    assert '"--maxmemory-policy", "noeviction"' in text
    assert text.count('"supportreplay", "beat"') == 1


def test_production_installs_pinned_versions_without_test_extras():
    lock = (DEPLOY / "requirements.lock").read_text().splitlines()
    pins = [line for line in lock if line and not line.startswith("#")]
    assert all("==" in line for line in pins)
    names = {line.split("==")[0].lower() for line in pins}
    assert {"django", "daphne", "channels", "celery", "redis", "django-storages"} <= names
    assert not names & {"pytest", "selenium", "hypothesis", "ruff"}
    assert "requirements.lock" in (DEPLOY / "Dockerfile").read_text()


def test_the_image_copies_every_project_app_and_the_templates():
    """An app in INSTALLED_APPS that the image leaves out makes every production process fail at start."""
    from django.conf import settings

    copied = set(re.findall(r"^COPY (\w+)/ \1/$", (DEPLOY / "Dockerfile").read_text(), re.M))
    local = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert local, "no project app found"
    assert local | {"templates", "static"} <= copied, sorted(local - copied)


def test_systemd_units_start_the_procfile_commands():
    lines = procfile()
    web = (DEPLOY / "systemd" / "supportreplay-web@.service").read_text()
    assert "ExecStart=/srv/supportreplay/.venv/bin/" + lines["web"] in web
    assert "Environment=PORT=%i" in web
    beat = (DEPLOY / "systemd" / "supportreplay-beat.service").read_text()
    assert "ExecStart=/srv/supportreplay/.venv/bin/" + lines["beat"] in beat
