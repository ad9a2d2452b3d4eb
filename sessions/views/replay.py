"""`/sessions/<id>/`: the replay page. Its data comes from the replay data API (`data/manifest`, chunks)."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ..models import RecordingSession
from ..permissions import EXPORT_PERMISSION, agent_required
from . import with_agent_headers


@agent_required
def replay_page(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = get_object_or_404(
        RecordingSession.objects.select_related("link", "link__created_by"), pk=session_id
    )
    # `session.replay` is audited by the data API's manifest view, which is what opens a recording.
    args = [session.pk]
    context = {
        "session": session,
        "link": session.link,
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "exports": [
            ("Events JSON", reverse("recordings:export-events", args=args)),
            ("Network HAR", reverse("recordings:export-har", args=args)),
            ("Bug report", reverse("recordings:export-report", args=args)),
            ("Playwright test", reverse("recordings:export-pw", args=args)),
            ("Replay as one HTML file", reverse("recordings:export-html", args=args)),
        ],
        "player_config": {
            "mode": "replay",
            "session": str(session.pk),
            "manifest": reverse("recordings:replay-data-manifest", args=args),
            # The player appends a chunk's index to this prefix.
            "chunk": reverse("recordings:replay-data-chunk", args=[session.pk, 0]).removesuffix("0"),
            "steps": reverse("recordings:replay-data-steps", args=args),
            "notes": reverse("session-notes", args=args),
            "live": reverse("recordings:live", args=args),
            "state": session.state,
        },
    }
    return with_agent_headers(render(request, "recordings/replay.html", context))
