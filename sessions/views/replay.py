"""`/sessions/<id>/`: the replay page. Its data comes from the replay data API (`data/manifest`, chunks)."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ..models import RecordingSession
from ..permissions import EXPORT_PERMISSION, agent_required
from . import with_agent_headers


@agent_required
def replay_page(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = get_object_or_404(
        RecordingSession.objects.select_related("link", "link__created_by"), pk=session_id
    )
    # `session.replay` is audited by the data API's manifest view, which is what opens a recording.
    base = f"/sessions/{session.pk}"
    context = {
        "session": session,
        "link": session.link,
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "exports": [
            ("Events JSON", f"{base}/export/events.json"),
            ("Network HAR", f"{base}/export/network.har"),
            ("Bug report", f"{base}/export/report.md"),
            ("Playwright test", f"{base}/export/playwright.zip"),
            ("Replay as one HTML file", f"{base}/export/replay.html"),
        ],
        "player_config": {
            "mode": "replay",
            "session": str(session.pk),
            "manifest": f"{base}/data/manifest",
            "chunk": f"{base}/data/chunks/",
            "steps": f"{base}/data/steps",
            "notes": f"{base}/notes",
            "live": f"{base}/live",
            "state": session.state,
        },
    }
    return with_agent_headers(render(request, "recordings/replay.html", context))
