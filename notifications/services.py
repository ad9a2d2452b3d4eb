"""Notifications for agents: created from domain signals, read by polling (no state change on GET).

The page keeps the id of the newest notification it has shown (in localStorage, shared by the agent's tabs)
and asks for newer ones every few seconds; a page without a remembered id gets the last RECENT_SECONDS.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from .models import Notification

RECENT_SECONDS = 120
MAX_ITEMS = 10
KEEP_DAYS = 7


def on_link_accepted(sender, link, session, **kwargs) -> None:
    """The agent whose link was just accepted: "Jane Doe is sharing now · Watch"."""
    who = link.customer_name or link.ticket_ref or "Your customer"
    Notification.objects.create(
        user_id=link.created_by_id,
        text=f"{who} is sharing now",
        action_label="Watch",
        action_url=reverse("recordings:live", args=[session.pk]),
    )
    Notification.objects.filter(created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)).delete()


def newer_than(user, after: int | None) -> dict[str, Any]:
    items = Notification.objects.filter(user=user)
    if after is None:
        items = items.filter(created_at__gte=timezone.now() - timedelta(seconds=RECENT_SECONDS))
    else:
        items = items.filter(id__gt=after)
    rows = list(items.order_by("-id")[:MAX_ITEMS])
    return {
        "items": [
            {"id": n.id, "text": n.text, "action_label": n.action_label, "action_url": n.action_url}
            for n in reversed(rows)
        ]
    }
