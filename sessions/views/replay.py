"""`/sessions/<id>/`: the replay page. Its data comes from the replay data API (`data/manifest`, chunks)."""

import re
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from supportreplay import audit

from ..models import RecordingSession, SessionArchive, SessionState
from ..permissions import EXPORT_PERMISSION, agent_required
from . import with_agent_headers


@agent_required
def replay_page(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = get_object_or_404(
        # Not its summary (the stored repro steps, ~130 KB of JSON for 3 hours): the page never shows it.
        RecordingSession.objects.select_related("link", "link__created_by").defer("summary"),
        pk=session_id,
    )
    if session.state != SessionState.LIVE:
        # Opening the page is opening the replay: audited here, once per page view, so the data API's
        # manifest (which the first frame waits for) stays a read.
        source = "archive" if session.state == SessionState.ARCHIVED else "redis"
        audit.record(request.user, "session.replay", session, ip=audit.client_ip(request), source=source)
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
    """What the page's first frame waits for, preloaded from the HTML's head: the manifest and the chunk
    the player opens on (chunk 0 without `?t=`; with it, the archived chunk holding that moment, as the
    player works it out from the manifest). Nothing for a live session."""
    if session.state == SessionState.LIVE:
        return []
    if not t:
        return [manifest_url, f"{chunk_prefix}0"]
    seconds = start_seconds(t)
    if seconds is None or session.state != SessionState.ARCHIVED:
        return [manifest_url]
    chunks = SessionArchive.objects.filter(session=session).values_list("manifest", flat=True).first()
    if not chunks:
        return [manifest_url]
    target = min(c["start_ts"] for c in chunks) + seconds * 1000
    at = 0  # the last chunk starting at or before the target (static/player/src/model.js chunkIndexFor)
    for position, entry in enumerate(chunks):
        if entry["start_ts"] <= target:
            at = position
    return [manifest_url, f"{chunk_prefix}{chunks[at].get('index', at)}"]


def start_seconds(raw: str) -> float | None:
    """`?t=` as the player reads it (model.js parseStartParam): 90, 90s, 1m30s, 1h2m, 1:30, 1:02:03."""
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)s?", raw):
        return float(m[1])
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", raw)
    if m and any(m.groups()):
        return int(m[1] or 0) * 3600 + int(m[2] or 0) * 60 + float(m[3] or 0)
    if m := re.fullmatch(r"(\d+):(\d{1,2})(?::(\d{1,2}))?", raw):
        if m[3] is not None:
            return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])
        return int(m[1]) * 60 + int(m[2])
    return None
