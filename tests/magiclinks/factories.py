"""Small helpers to make agents and links the way the product does (through the services)."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from magiclinks import services
from sessions.agent_group import GROUP_NAME

SITE = "http://127.0.0.1:8000"
TARGET = f"{SITE}/demo/"
NOTICE_RE = re.compile(r'<section class="notice".*?</section>', re.S)


def support_agent_group() -> Group:
    """The group the data migration creates (and post_migrate recreates after a transactional flush)."""
    return Group.objects.get(name=GROUP_NAME)


def make_agent(username: str = "agent", **extra):
    user = get_user_model().objects.create_user(username=username, password="pw-agent-1", **extra)
    user.groups.add(support_agent_group())
    return user


def make_link(agent=None, **fields) -> services.CreatedLink:
    agent = agent or make_agent()
    fields.setdefault("target_url", TARGET)
    fields.setdefault("site_origin", SITE)  # local mode: the demo shop lives on the support server
    return services.create_link(agent, **fields)


def link_path(created: services.CreatedLink) -> str:
    return f"/l/{created.token}"


def shown_notice(html: str) -> str:
    """The notice block exactly as the consent page rendered it."""
    match = NOTICE_RE.search(html)
    assert match, "consent page has no notice block"
    return match.group(0)
