import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from magiclinks.models import MagicLink

from .factories import make_agent

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_link", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_create_link_prints_only_the_url(client):
    make_agent("dana")
    url = run(
        "--target",
        "http://localhost/demo/",
        "--customer",
        "Sam",
        "--ticket",
        "HD-2",
        "--expires",
        "2h",
        "--agent",
        "dana",
        "--base-url",
        "http://127.0.0.1:8000",
    )
    assert url.startswith("http://127.0.0.1:8000/l/")
    link = MagicLink.objects.get()
    assert (link.customer_name, link.ticket_ref, link.created_by.username) == ("Sam", "HD-2", "dana")
    assert 7190 < (link.expires_at - link.created_at).total_seconds() < 7210
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_create_link_refuses_bad_input():
    make_agent("dana")
    get_user_model().objects.create_user("plain")
    with pytest.raises(CommandError, match="not an allowed site"):
        run("--target", "https://evil.example/", "--agent", "dana")
    with pytest.raises(CommandError, match="may not create links"):
        run("--target", "http://localhost/", "--agent", "plain")
    with pytest.raises(CommandError, match="No active user"):
        run("--target", "http://localhost/", "--agent", "ghost")
    with pytest.raises(CommandError, match="at most 7 days"):
        run("--target", "http://localhost/", "--agent", "dana", "--expires", "8d")
    assert not MagicLink.objects.exists()
