import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from sessions.agent_group import GROUP_NAME, PERMISSIONS


@pytest.mark.django_db(transaction=True)
def test_the_support_agent_group_survives_a_flush_with_all_its_permissions():
    call_command("flush", "--noinput", verbosity=0)
    group = Group.objects.get(name=GROUP_NAME)
    held = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
    assert held == set(PERMISSIONS)
