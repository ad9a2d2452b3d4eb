"""`/sessions/<id>/`: the replay page. Its data comes from the replay data API (`data/manifest`, chunks)."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ..models import RecordingSession, SessionState
from ..permissions import EXPORT_PERMISSION, agent_required
from . import with_agent_headers


@agent_required
def replay_page(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = get_object_or_404(
        RecordingSession.objects.select_related("link", "link__created_by"), pk=session_id
    )
    # `session.replay` is audited by the data API's manifest view, which is what opens a recording.
    args = [session.pk]
    manifest_url = reverse("recordings:replay-data-manifest", args=args)
    chunk_prefix = reverse("recordings:replay-data-chunk", args=[session.pk, 0]).removesuffix("0")
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
            "manifest": manifest_url,
            # The player appends a chunk's index to this prefix.
            "chunk": chunk_prefix,
            "steps": reverse("recordings:replay-data-steps", args=args),
            "notes": reverse("session-notes", args=args),
            "live": reverse("recordings:live", args=args),
            "state": session.state,
        },
    }
    context["preload"] = first_frame_urls(session, request.GET.get("t"), manifest_url, chunk_prefix)
    return with_agent_headers(render(request, "recordings/replay.html", context))


def first_frame_urls(
    session: RecordingSession, t: str | None, manifest_url: str, chunk_prefix: str
) -> list[str]:
    """What the page's first frame waits for, preloaded from the HTML's head: the manifest and, opened
    without `?t=`, chunk 0 (the player asks for both at once then). Nothing for a live session."""
    if session.state == SessionState.LIVE:
        return []
    return [manifest_url] if t else [manifest_url, f"{chunk_prefix}0"]
