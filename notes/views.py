"""`/sessions/<id>/notes`: GET the recording's notes, POST `{"ts", "text"}` to add one (agents, CSRF)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from sessions.archive import source
from sessions.models import RecordingSession
from sessions.permissions import agent_required
from supportreplay import audit

from . import services

MAX_BODY = 8192


def start_ts(session: RecordingSession) -> int:
    """The replay's time origin (the data API's manifest start), so `t` means the same moment everywhere."""
    try:
        recording = source.load(session)
    except source.RecordingUnavailable:
        return session.summary.get("start_ts", 0) if session.summary else 0
    return recording.start_ts or recording.summary.get("start_ts", 0)


@require_http_methods(["GET", "POST"])
@agent_required
def notes_api(request: HttpRequest, session_id) -> JsonResponse:
    session = get_object_or_404(RecordingSession, pk=session_id)
    if request.method == "POST":
        if len(request.body) > MAX_BODY:
            return JsonResponse({"error": "Too long."}, status=413)
        try:
            data = json.loads(request.body or b"{}")
            data = data if isinstance(data, dict) else {}
            services.add_note(
                session, request.user, ts=data.get("ts"), text=data.get("text"), ip=audit.client_ip(request)
            )
        except (ValueError, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else "Send JSON."
            return JsonResponse({"error": message}, status=400)
    response = JsonResponse(services.notes_payload(session, start_ts(session)))
    response["Cache-Control"] = "no-store"
    return response
