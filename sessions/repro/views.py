"""`/sessions/<id>/data/steps`: the repro steps of a recording, for the replay page (agents who may watch)."""

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
from .steps import as_dict, walk


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
    """An archive never changes: its steps are cached by its checksum (not while the session is in Redis)."""
    return f"sr:repro-steps:{recording.archive.sha256}" if recording.archive is not None else None


def steps_payload(recording: source.Recording, batches) -> dict:
    key = cache_key(recording)
    cached = cache.get(key) if key else None
    if cached is not None:
        return cached
    # The same origin as the data API's manifest, so `?t=` means the same moment on the page.
    start_ts = recording.start_ts or recording.summary.get("start_ts", 0)
    result = walk(batches)
    payload = {
        "start_ts": start_ts,
        "steps": [as_dict(step, start_ts) for step in result.steps],
        "truncated": result.truncated,
    }
    if key:
        cache.set(key, payload, STEPS_CACHE_SECONDS)
    return payload


@require_GET
@agent_required
@gzip_page
def steps_json(request: HttpRequest, session_id) -> JsonResponse:
    session = get_object_or_404(RecordingSession, pk=session_id)
    response = JsonResponse(steps_payload(*recording_batches(session)))
    patch_cache_control(response, private=True, no_cache=True)
    return response
