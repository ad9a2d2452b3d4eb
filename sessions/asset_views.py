"""GET /sessions/<uuid>/assets/<sha256>: one captured image or font, for agents who may watch recordings.

Same permission rule as the other data views (login, then `watch_recordingsession`). The response is
locked down: only the allow-listed types of sessions/assets.py, `nosniff`, a CSP sandbox with no sources
(even a file opened directly can run nothing), and a long private cache (the URL names the content).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from . import asset_archive, assets
from .models import RecordingSession, SessionArchive, SessionState
from .permissions import agent_required


@require_GET
@agent_required
def asset(request: HttpRequest, session_id, sha256: str) -> HttpResponse:
    session = get_object_or_404(RecordingSession, pk=session_id)
    found = assets.load(session.pk, sha256)
    if found is None and session.state == SessionState.ARCHIVED:
        archive = SessionArchive.objects.filter(session=session).first()
        found = archive and asset_archive.load(archive.storage_name, sha256)
    if found is None:
        raise Http404("no such asset")
    response = HttpResponse(found.data, content_type=found.mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    patch_cache_control(response, private=True, max_age=31536000, immutable=True)
    patch_vary_headers(response, ["Cookie"])
    return response
