"""Support agents: least-privilege accounts, and the name a customer sees for one.

An agent is a staff user (admin login, to make links) in the "Support agent" group and nothing else: no
superuser flag, no other permissions. Customers see the agent's *display name* (the user's full name) on
the consent page; a username is an internal login and may read like phishing to a customer ("admin",
"jd42"), so an agent without a name is shown as the company's support team instead.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction

from supportreplay.roles import AGENT_GROUP_NAME as GROUP_NAME


def has_display_name(user) -> bool:
    return bool(user.get_full_name().strip()) if hasattr(user, "get_full_name") else False


def display_name(user) -> str:
    """What a customer reads: the agent's full name, else "<Company> support"."""
    if has_display_name(user):
        return user.get_full_name().strip()
    return f"{settings.SUPPORTREPLAY_COMPANY_NAME} support"


def agent_group() -> Group:
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is None:
        raise ValidationError(f"The {GROUP_NAME!r} group is missing: run `manage.py migrate` first.")
    return group


def make_agent(user: AbstractBaseUser) -> None:
    """Give an existing account what an agent needs (admin login + the agent group); nothing is removed."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(agent_group())


@transaction.atomic
def create_agent(username: str, display: str, email: str = "", password: str | None = None) -> tuple:
    """A new least-privilege agent; returns (user, password). A password is generated when none is given."""
    display = " ".join(display.split())
    if not display:
        raise ValidationError("An agent needs a display name: customers see it instead of the username.")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"A user named {username!r} exists already.")
    first, _, last = display.partition(" ")
    password = password or secrets.token_urlsafe(12)
    user = User.objects.create_user(
        username=username, email=email, password=password, first_name=first[:150], last_name=last[:150]
    )
    make_agent(user)
    return user, password
