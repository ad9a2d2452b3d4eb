"""Notes verbs and their renderings: add, list (as JSON rows), and the bug report's Markdown section."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from sessions.repro.markdown import clock, md_text
from supportreplay import audit

from .models import MAX_TEXT, Note

MAX_NOTES = 500


def add_note(session, author, *, ts: Any, text: Any, ip: str | None = None) -> Note:
    """A note at `ts` (clamped into the recording); ValidationError for empty or oversized text."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("Write something.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"A note is at most {MAX_TEXT} characters.")
    if not isinstance(ts, int | float) or isinstance(ts, bool):
        raise ValidationError("A note needs a moment (ts).")
    if session.notes.count() >= MAX_NOTES:
        raise ValidationError(f"A recording holds at most {MAX_NOTES} notes.")
    note = Note.objects.create(session=session, author=author, ts=int(ts), text=text.strip())
    audit.record(author, "session.note", session, ip=ip, note=note.pk)
    return note


def as_row(note: Note, start_ts: int) -> dict[str, Any]:
    return {
        "id": note.pk,
        "ts": note.ts,
        "t": round(max(0, note.ts - start_ts) / 1000, 1),
        "text": note.text,
        "author": note.author.get_username() if note.author_id else "(deleted user)",
        "created_at": note.created_at.isoformat(),
    }


def notes_payload(session, start_ts: int) -> dict[str, Any]:
    """What `GET /sessions/<id>/notes` answers (also inlined into the HTML export)."""
    notes = session.notes.select_related("author")[:MAX_NOTES]
    return {"start_ts": start_ts, "notes": [as_row(n, start_ts) for n in notes]}


def notes_markdown(session, *, start_ts: int, replay_url: str) -> list[str]:
    """`## Notes` for the bug report: each note with its time, a link to that moment, its author."""
    notes = list(session.notes.select_related("author")[:MAX_NOTES])
    if not notes:
        return []
    lines = ["", "## Notes", ""]
    for note in notes:
        offset = max(0, note.ts - start_ts)
        author = md_text(note.author.get_username() if note.author_id else "(deleted user)")
        url = f"{replay_url}?t={offset / 1000:.1f}&note={note.pk}"
        lines.append(f"- [`{clock(offset)}`](<{url}>) **{author}**: {md_text(note.text)}")
    return lines
