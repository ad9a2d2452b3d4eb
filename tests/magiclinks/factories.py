"""Small helpers to make agents and links the way the product does (through the services).

`make_agent` is the one agent factory of the test suite and the benchmarks (tests/helpers/live.py and
tests/sessions/factories.py import it).
"""

import re
import secrets

from django.contrib.auth.models import Group, Permission, User

from magiclinks import services
from sessions.agent_group import GROUP_NAME, ensure_group

SITE = "http://127.0.0.1:8000"
TARGET = f"{SITE}/demo/"
NOTICE_RE = re.compile(r'<section class="notice".*?</section>', re.S)


AGENT_PASSWORD = "pw-agent-1"


def support_agent_group() -> Group:
    """The group the data migration creates (and post_migrate recreates after a transactional flush)."""
    ensure_group(Group, Permission)
    return Group.objects.get(name=GROUP_NAME)


def make_agent(username: str = "", *, permitted: bool = True, staff: bool = True, **fields) -> User:
    """A staff user (password AGENT_PASSWORD) in the "Support agent" group; `permitted=False` leaves it out
    of the group (a logged-in user without the agent permissions). The username is unique unless given: a
    test that crashed in another suite may have left an "agent" behind."""
    username = username or f"agent-{secrets.token_hex(3)}"
    user = User.objects.create_user(username, password=AGENT_PASSWORD, is_staff=staff, **fields)
    if permitted:
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
