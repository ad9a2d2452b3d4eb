"""Least-privilege agents (manage.py create_agent, the admin action) and the name customers see."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from magiclinks import agents
from sessions.agent_group import GROUP_NAME

from .factories import link_path, make_agent, make_link

pytestmark = pytest.mark.django_db
User = get_user_model()


def create_agent(*args) -> str:
    out = io.StringIO()
    call_command("create_agent", *args, stdout=out)
    return out.getvalue()


def test_create_agent_makes_a_staff_user_in_the_agent_group_and_nothing_more():
    output = create_agent("jdoe", "--name", "Jane Doe", "--email", "jane@example.com")
    user = User.objects.get(username="jdoe")
    password = output.split("Password (shown once): ")[1].strip()
    assert user.check_password(password)
    assert (user.is_staff, user.is_superuser, user.get_full_name()) == (True, False, "Jane Doe")
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAME]
    assert not user.user_permissions.exists()
    assert user.has_perm("magiclinks.add_magiclink")
    assert user.has_perm("recordings.watch_recordingsession")
    assert not user.has_perm("auth.change_user")
    assert not user.has_perm("recordings.delete_recordingsession")
    assert "customers see: Jane Doe" in output


def test_create_agent_refuses_a_missing_name_and_an_existing_username():
    with pytest.raises(CommandError, match="display name"):
        create_agent("nobody", "--name", "  ")
    create_agent("jdoe", "--name", "Jane Doe")
    with pytest.raises(CommandError, match="exists already"):
        create_agent("jdoe", "--name", "Other")


def test_the_consent_page_reads_like_a_company_message_signed_by_the_agent(client, settings):
    settings.SUPPORTREPLAY_COMPANY_NAME = "Acme"
    agent = make_agent("jd42", first_name="Jane", last_name="Doe")
    page = client.get(link_path(make_link(agent, note="Please show me the checkout."))).content.decode()
    assert "Show Acme support what you see?" in page
    assert "Jane Doe, Acme support" in page
    assert "Jane Doe from Acme support" in page
    assert "jd42" not in page


def test_an_agent_without_a_name_is_shown_as_the_support_team_never_by_username(client, settings):
    settings.SUPPORTREPLAY_COMPANY_NAME = "Acme"
    agent = make_agent("admin")
    page = client.get(link_path(make_link(agent, note="Hello"))).content.decode()
    assert "Show Acme support what you see?" in page
    assert "Acme support team" in page
    for username_shown in (">admin<", "admin,", "admin from"):
        assert username_shown not in page
    assert agents.display_name(agent) == "Acme support"


def test_the_admin_action_makes_existing_accounts_agents_and_warns_about_missing_names(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    plain = User.objects.create_user("sam", password="x")
    response = client.post(
        "/admin/auth/user/", {"action": "make_support_agents", "_selected_action": [plain.pk]}, follow=True
    )
    plain.refresh_from_db()
    assert (plain.is_staff, plain.is_superuser) == (True, False)
    assert plain.groups.filter(name=GROUP_NAME).exists()
    assert "customers see" in response.content.decode()


def test_create_link_prints_the_url_of_the_configured_port(settings):
    make_agent("dana")
    settings.SUPPORTREPLAY_PUBLIC_URL = ""
    settings.PORT = 8123
    out = io.StringIO()
    call_command(
        "create_link",
        "--target",
        "http://localhost/demo/",
        "--agent",
        "dana",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue().startswith("http://127.0.0.1:8123/l/")
    settings.SUPPORTREPLAY_PUBLIC_URL = "https://support.example.com"
    out = io.StringIO()
    call_command(
        "create_link",
        "--target",
        "http://localhost/demo/",
        "--agent",
        "dana",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue().startswith("https://support.example.com/l/")
