"""Export endpoint of the Playwright reproduction: a zip with the test and the HAR it replays."""

from __future__ import annotations

import io
import json
import zipfile

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from notes.services import notes_payload

from ..archive import source
from ..data_views import manifest_payload
from ..exports.har import build_har
from ..exports.views import _attachment, _session, replay_url
from ..permissions import EXPORT_PERMISSION, permission_required
from .playwright import build_playwright_test, har_name, repro_har
from .standalone import standalone_html
from .steps import walk
from .views import recording_batches, steps_payload

README = """Reproduction test of SupportReplay session {short}

    pip install pytest-playwright
    pytest {test}

It replays the customer's steps against the app at REPRO_BASE_URL (default: where it was recorded), serves
the recorded API answers from {har} (REPRO_NETWORK=live to use the real backend instead), and passes while
the recorded failure still happens. See the docstring at the top of {test}.
"""


def build_bundle(batches, *, session_id: str, replay: str, start_ts: int) -> bytes:
    """The zip: test_repro_<id>.py, session-<id>.har, README.txt (pure; `batches` is read twice)."""
    batches = list(batches)
    filename, source = build_playwright_test(walk(batches), session_id=session_id, replay_url=replay,
                                             start_ts=start_ts)  # fmt: skip
    har = repro_har(build_har(batches))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(filename, source)
        bundle.writestr(har_name(session_id), json.dumps(har, indent=1, ensure_ascii=False))
        bundle.writestr(
            "README.txt", README.format(short=session_id[:8], test=filename, har=har_name(session_id))
        )
    return buffer.getvalue()


@require_GET
@permission_required(EXPORT_PERMISSION)
def playwright_zip(request: HttpRequest, session_id) -> HttpResponse:
    session = _session(request, session_id, "playwright.zip")
    recording, batches = recording_batches(session)
    body = build_bundle(
        batches,
        session_id=str(session.pk),
        replay=replay_url(request, session),
        start_ts=recording.start_ts or recording.summary.get("start_ts", 0),
    )
    return _attachment(HttpResponse(body, content_type="application/zip"), session, "playwright.zip")


@require_GET
@permission_required(EXPORT_PERMISSION)
def replay_html(request: HttpRequest, session_id) -> StreamingHttpResponse:
    """The self-contained replay (player, panels, steps, masked events): one HTML file for a ticket."""
    session = _session(request, session_id, "replay.html")
    recording, batches = recording_batches(session)
    manifest = manifest_payload(session, recording)
    body = standalone_html(
        short=str(session.pk)[:8],
        ticket=session.link.ticket_ref,
        started=session.started_at,
        manifest=manifest,
        steps=steps_payload(recording, batches),
        notes=notes_payload(session, manifest["start_ts"]),
        chunk=lambda index: source.chunk_events(session, index),
    )
    response = StreamingHttpResponse(body, content_type="text/html; charset=utf-8")
    return _attachment(response, session, "replay.html")
