"""`/sessions/<id>/data/steps`: the repro steps of a recording, for the replay page (agents who may watch).

An archived session's steps were computed once while its archive was written (sessions/repro/stored.py):
they are served as stored, the recording is not read. An ended session still in Redis, or one archived
before steps were stored, is walked on request (the walk holds at most REORDER_WINDOW batches).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from ..archive import source
from ..models import RecordingSession, SessionState
from ..permissions import agent_required
from .steps import payload, walk
from .stored import stored_steps


def recording_batches(session: RecordingSession):
    """The batches of an ended or archived session (404 while live or when the recording is gone); an
    iterator read lazily, so a cached steps payload costs no archive read."""
    if session.state == SessionState.LIVE:
        raise Http404("session is still live")
    try:
        return source.load(session), source.iter_batches(session)
    except source.RecordingUnavailable:
        raise Http404("recording unavailable") from None


STEPS_CACHE_SECONDS = 3600


def cache_key(recording: source.Recording) -> str | None:
    """An archive never changes: steps walked on request are cached by its checksum (not while in Redis)."""
    return f"sr:repro-steps:{recording.archive.sha256}" if recording.archive is not None else None


def steps_payload(recording: source.Recording, batches) -> dict:
    if recording.archive is not None and (stored := stored_steps(recording.summary)) is not None:
        return stored
    key = cache_key(recording)
    cached = cache.get(key) if key else None
    if cached is not None:
        return cached
    # The same origin as the data API's manifest, so `?t=` means the same moment on the page.
    start_ts = recording.start_ts or recording.summary.get("start_ts", 0)
    result = payload(walk(batches, steps_only=True), start_ts)
    if key:
        cache.set(key, result, STEPS_CACHE_SECONDS)
    return result


@require_GET
@agent_required
@gzip_page
def steps_json(request: HttpRequest, session_id) -> JsonResponse:
    session = get_object_or_404(RecordingSession, pk=session_id)
    response = JsonResponse(steps_payload(*recording_batches(session)))
    patch_cache_control(response, private=True, no_cache=True)
    return response
