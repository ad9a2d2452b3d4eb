"""Replay data API: the manifest and one chunk at a time, for agents who may watch recordings.

GET /sessions/<uuid>/data/manifest      -> {"id","state","source","start_ts","end_ts","chunks",...}
                                           (gzipped once per archive and kept: served_chunks.py)
GET /sessions/<uuid>/data/chunks/<n>    -> [rrweb events], starting with meta + full snapshot (gzipped once
                                           and kept per process: served_chunks.py; ETag, 304)

Both only read: `session.replay` is audited once per page view by the replay page itself
(sessions/views/replay.py), so the manifest, on the first frame's path, writes nothing.
"""

from __future__ import annotations

import gzip
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from . import served_chunks
from .archive import source
from .models import RecordingSession, SessionState
from .permissions import agent_required

SUMMARY_HIDDEN = ("markers", "environment", "tabs_detail", "repro_steps")  # steps: /data/steps

# A session's summary holds its stored repro steps (~130 KB of JSON for a 3-hour single-page app): the
# first frame's requests leave it in the database unless they build the manifest.
WITHOUT_SUMMARY = RecordingSession.objects.defer("summary")


def manifest_payload(session: RecordingSession, recording: source.Recording) -> dict[str, Any]:
    summary = recording.summary
    return {
        "id": str(session.pk),
        "state": session.state,
        "source": recording.source,
        "start_ts": recording.start_ts or summary.get("start_ts", 0),
        "end_ts": recording.end_ts or summary.get("end_ts", 0),
        "chunks": [
            {"index": c.index, "start_ts": c.start_ts, "end_ts": c.end_ts, "events": c.events}
            for c in recording.chunks
        ],
        "markers": summary.get("markers", []),
        "summary": {k: v for k, v in summary.items() if k not in SUMMARY_HIDDEN},
        "environment": summary.get("environment", {}),
    }


@require_GET
@agent_required
def manifest(request: HttpRequest, session_id) -> HttpResponse:
    session = get_object_or_404(WITHOUT_SUMMARY, pk=session_id)
    if session.state == SessionState.LIVE:
        # Live sessions are watched through the watch socket; their stream is still growing.
        raise Http404("session is still live")
    try:
        gzipped = served_chunks.served_manifest(
            session, lambda: manifest_payload(session, source.load(session))
        )
    except source.RecordingUnavailable:
        raise Http404("recording unavailable") from None
    response = json_response(request, gzipped)
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response


def json_response(request: HttpRequest, gzipped: bytes) -> HttpResponse:
    """Gzipped JSON as it is to a client that takes gzip, inflated for one that does not."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(gzipped, content_type="application/json")
        response["Content-Encoding"] = "gzip"
        return response
    return HttpResponse(gzip.decompress(gzipped), content_type="application/json")


@require_GET
@agent_required
def chunk(request: HttpRequest, session_id, index: int) -> HttpResponse:
    session = get_object_or_404(WITHOUT_SUMMARY, pk=session_id)
    if session.state == SessionState.LIVE:
        raise Http404("session is still live")
    try:
        served = served_chunks.served_chunk(session, index)
    except (IndexError, source.RecordingUnavailable):
        raise Http404("no such chunk") from None
    if served.etag is not None and served.etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = json_response(request, served.gzipped)
    if served.etag is not None:
        response["ETag"] = served.etag
    if served.immutable:
        # An archived chunk never changes: let the agent's browser keep it (never a shared cache).
        patch_cache_control(response, private=True, max_age=86400, immutable=True)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response
