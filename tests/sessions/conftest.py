"""Fixtures shared by the recordings tests: a private media directory and a signed-in watching agent."""

import pytest
from django.contrib.auth.models import Permission

from tests.magiclinks.factories import make_agent


@pytest.fixture
def media(settings, tmp_path):
    """Archives (and their asset copies) go to a private directory, returned."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def agent_client(client):
    agent = make_agent(permitted=False, staff=False)
    # Transactional tests flush the "Support agent" group of the data migration; grant the permission itself.
    agent.user_permissions.add(Permission.objects.get(codename="watch_recordingsession"))
    client.force_login(agent)
    return client
