"""`/sessions/<id>/live`: the live view page. The data arrives over the watch socket (consumers/watch.py)."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ..models import RecordingSession
from ..permissions import agent_required
from . import with_agent_headers


@agent_required
def live_page(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = get_object_or_404(
        RecordingSession.objects.select_related("link", "link__created_by"), pk=session_id
    )
    context = {
        "session": session,
        "link": session.link,
        "player_config": {
            "mode": "live",
            "session": str(session.pk),
            "ws": f"/ws/watch/{session.pk}/",
            "replay": reverse("recordings:replay", args=[session.pk]),
            "state": session.state,
        },
    }
    return with_agent_headers(render(request, "recordings/live.html", context))
