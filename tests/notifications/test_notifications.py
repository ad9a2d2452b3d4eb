"""In-app notification for the agent whose link was just accepted, read by polling (GET changes nothing)."""

from __future__ import annotations

import pytest

from magiclinks import services as links
from notifications.models import Notification
from supportreplay import consent
from tests.helpers.live import make_agent

pytestmark = pytest.mark.django_db

CLIENT = links.ClientInfo(ip="203.0.113.9", user_agent="test")


def accept_link(agent, **fields):
    created = links.create_link(agent, target_url="http://localhost/demo/", **fields)
    return consent.accept(created.token, shown_notice_sha256=None, client=CLIENT).session


def test_accepting_a_link_notifies_its_agent_only(client):
    mine, other = make_agent(), make_agent()
    session = accept_link(mine, customer_name="Jane Doe")
    client.force_login(mine)
    data = client.get("/notifications/poll").json()
    assert data["items"] == [
        {
            "id": Notification.objects.get().id,
            "text": "Jane Doe is sharing now",
            "action_label": "Watch",
            "action_url": f"/sessions/{session.pk}/live",
        }
    ]
    # The page remembers the newest id it showed and asks only for newer ones.
    assert client.get(f"/notifications/poll?after={data['items'][0]['id']}").json() == {"items": []}
    assert client.get("/notifications/poll").json() == data  # GET marks nothing as read
    client.force_login(other)
    assert client.get("/notifications/poll").json() == {"items": []}


def test_declines_do_not_notify_and_a_customer_without_a_name_is_named_by_the_ticket(client):
    agent = make_agent()
    created = links.create_link(agent, target_url="http://localhost/demo/", customer_name="Jane Doe")
    links.decline(created.token, shown_notice_sha256=None, client=CLIENT)
    assert not Notification.objects.exists()
    accept_link(agent, ticket_ref="T-42")
    assert Notification.objects.get().text == "T-42 is sharing now"


def test_polling_needs_a_signed_in_agent(client):
    assert client.get("/notifications/poll").status_code in (302, 403)
    client.force_login(make_agent(permitted=False))
    assert client.get("/notifications/poll").status_code == 403
