"""Export endpoints: thin views over the pure builders, each download audited as `session.export`."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from notes.services import notes_markdown
from notes.views import start_ts
from supportreplay import audit

from ..archive import source
from ..models import RecordingSession, SessionState
from ..permissions import EXPORT_PERMISSION, permission_required
from .har import build_har
from .report import build_report


def _session(request: HttpRequest, session_id, fmt: str) -> RecordingSession:
    session = get_object_or_404(RecordingSession.objects.select_related("link"), pk=session_id)
    if session.state == SessionState.LIVE:
        raise Http404("session is still live")
    audit.record(request.user, "session.export", session, ip=audit.client_ip(request), format=fmt)
    return session


def _attachment(response: HttpResponse, session: RecordingSession, ext: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="session-{str(session.pk)[:8]}.{ext}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _batches(session: RecordingSession):
    try:
        return source.all_batches(session)
    except source.RecordingUnavailable:
        raise Http404("recording unavailable") from None


def replay_url(request: HttpRequest, session: RecordingSession) -> str:
    path = reverse("recordings:replay", args=[session.pk])
    base = settings.SUPPORTREPLAY_PUBLIC_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@require_GET
@permission_required(EXPORT_PERMISSION)
def events_json(request: HttpRequest, session_id) -> HttpResponse:
    """Every replayable event as one JSON array: `new rrwebPlayer.Player({props: {events}})` plays it."""
    session = _session(request, session_id, "events.json")
    try:
        events = source.all_events(session)
        first = next(events, None)
    except source.RecordingUnavailable:
        raise Http404("recording unavailable") from None

    def body() -> Iterator[str]:
        yield "["
        if first is not None:
            yield json.dumps(first, separators=(",", ":"))
            for event in events:
                yield "," + json.dumps(event, separators=(",", ":"))
        yield "]"

    return _attachment(StreamingHttpResponse(body(), content_type="application/json"), session, "events.json")


@require_GET
@permission_required(EXPORT_PERMISSION)
def network_har(request: HttpRequest, session_id) -> HttpResponse:
    session = _session(request, session_id, "network.har")
    har = build_har(_batches(session))
    body = json.dumps(har, indent=1, ensure_ascii=False)
    return _attachment(HttpResponse(body, content_type="application/json"), session, "har")


@require_GET
@permission_required(EXPORT_PERMISSION)
def report_md(request: HttpRequest, session_id) -> HttpResponse:
    session = _session(request, session_id, "report.md")
    try:
        # The stored summary (archived), or the one computed once per stream state: never per request.
        summary = source.load(session).summary
    except source.RecordingUnavailable:
        raise Http404("recording unavailable") from None
    text = build_report(
        _batches(session),
        session_id=str(session.pk),
        replay_url=replay_url(request, session),
        ticket=session.link.ticket_ref,
        summary=summary,
    )
    notes = notes_markdown(session, start_ts=start_ts(session), replay_url=replay_url(request, session))
    if notes:
        text = text.rstrip("\n") + "\n" + "\n".join(notes) + "\n"
    return _attachment(HttpResponse(text, content_type="text/markdown; charset=utf-8"), session, "md")
