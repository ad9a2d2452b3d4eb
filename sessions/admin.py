"""Admin for recordings: sessions (state, archive state, sizes, summary; "End session") and their archives.

Sessions and archives are made by the system, never by hand: both are read-only here. Ending a session
goes through services.end_session, the same verb as a revoke from the live page; deleting one goes through
archive.service.purge_session, the same verb as the retention purge.
"""

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join

from . import services
from .archive.service import purge_session
from .models import EndReason, RecordingSession, SessionArchive, SessionState

SUMMARY_COUNTS = (
    ("duration_ms", "Duration"),
    ("page_count", "Pages"),
    ("clicks", "Clicks"),
    ("inputs", "Inputs"),
    ("console_errors", "Console errors"),
    ("js_errors", "JS errors"),
    ("failed_requests", "Failed requests"),
    ("rage_clicks", "Rage clicks"),
    ("events", "Events"),
    ("tabs", "Tabs"),
)


def _duration(ms: int) -> str:
    seconds = int(ms or 0) // 1000
    return (
        f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
        if seconds >= 3600
        else f"{seconds // 60}m {seconds % 60:02d}s"
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RecordingSession)
class RecordingSessionAdmin(ReadOnlyAdmin):
    list_display = (
        "short_id",
        "ticket",
        "state",
        "started_at",
        "duration",
        "archive_status",
        "stored_size",
        "problems",
    )
    list_filter = ("state", "archive_status", "end_reason")
    search_fields = ("id", "link__ticket_ref", "link__customer_email", "last_page_url")
    date_hierarchy = "started_at"
    list_select_related = ("link", "archive")
    actions = ("end_sessions", "requeue_archive")
    fieldsets = (
        (None, {"fields": ("id", "link", "state", "end_reason", "started_at", "ended_at", "replay_link")}),
        (
            "Archive",
            {"fields": ("archive_status", "archive_error", "event_count", "raw_size", "stored_size")},
        ),
        ("Summary", {"fields": ("summary_table",)}),
    )
    readonly_fields = (
        "id",
        "link",
        "state",
        "end_reason",
        "started_at",
        "ended_at",
        "replay_link",
        "archive_status",
        "archive_error",
        "event_count",
        "raw_size",
        "stored_size",
        "summary_table",
    )

    @admin.display(description="Session", ordering="started_at")
    def short_id(self, obj: RecordingSession) -> str:
        return str(obj.pk)[:8]

    @admin.display(description="Ticket", ordering="link__ticket_ref")
    def ticket(self, obj: RecordingSession) -> str:
        return obj.link.ticket_ref or "—"

    @admin.display(description="Duration")
    def duration(self, obj: RecordingSession) -> str:
        # The recorded span once summarised; the wall-clock time while live or not yet archived.
        recorded = (obj.summary or {}).get("duration_ms")
        return _duration(recorded if recorded is not None else int(obj.duration_seconds * 1000))

    @admin.display(description="Errors / failed requests")
    def problems(self, obj: RecordingSession) -> str:
        return f"{obj.error_count} / {obj.failed_request_count}"

    @admin.display(description="Raw size", ordering="raw_bytes")
    def raw_size(self, obj: RecordingSession) -> str:
        return filesizeformat(obj.raw_bytes) if obj.raw_bytes else "—"

    @admin.display(description="Stored size")
    def stored_size(self, obj: RecordingSession) -> str:
        archive = getattr(obj, "archive", None)
        return filesizeformat(archive.stored_bytes) if archive else "—"

    @admin.display(description="Summary")
    def summary_table(self, obj: RecordingSession) -> str:
        summary = obj.summary or {}
        if not summary:
            return "Written when the session is archived."
        rows = [
            (label, _duration(summary.get(key, 0)) if key == "duration_ms" else summary.get(key, 0))
            for key, label in SUMMARY_COUNTS
        ]
        gaps = summary.get("gaps") or {}
        if gaps:
            rows.append(("Seq gaps", json.dumps(gaps)))
        env = summary.get("environment") or {}
        rows += [(f"Env: {k}", v) for k, v in env.items() if isinstance(v, str | int | float)]
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    @admin.display(description="Replay")
    def replay_link(self, obj: RecordingSession) -> str:
        if obj.state == SessionState.LIVE:
            return format_html('<a href="/sessions/{}/live">Watch live</a>', obj.pk)
        return format_html('<a href="/sessions/{}/">Open replay</a>', obj.pk)

    @admin.action(description="End session (stop recording now)", permissions=["watch"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet) -> None:
        ended = [s.pk for s in queryset if services.end_session(s.pk, EndReason.REVOKED)]
        self.message_user(request, f"Ended {len(ended)} session(s).", messages.SUCCESS)

    @admin.action(description="Queue archiving again", permissions=["watch"])
    def requeue_archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        ended = queryset.filter(state=SessionState.ENDED)
        for pk in ended.values_list("pk", flat=True):
            services.enqueue_archive(pk)
        self.message_user(request, f"Queued {ended.count()} session(s) for archiving.", messages.SUCCESS)

    def has_watch_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("recordings.watch_recordingsession")

    # Deleting a session (its page or the bulk action) goes through the purge: the stored archive object
    # and the Redis keys go with the rows, never left behind. Same guard as magiclinks' admin.
    def delete_model(self, request: HttpRequest, obj: RecordingSession) -> None:
        purge_session(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for session in queryset:
            purge_session(session)

    def get_deleted_objects(self, objs, request: HttpRequest):
        # An archive goes with its session (through the purge); it is not deletable on its own.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(SessionArchive._meta.verbose_name)
        return deleted, counts, perms_needed, protected


@admin.register(SessionArchive)
class SessionArchiveAdmin(ReadOnlyAdmin):
    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Deleting only the row would orphan the stored object and leave a session that cannot replay:
        # delete the session instead, which purges both.
        return False

    list_display = (
        "session",
        "codec",
        "chunks",
        "event_count",
        "raw",
        "stored",
        "ratio",
        "created_at",
        "duration_ms",
    )
    list_select_related = ("session",)
    exclude = ("manifest",)
    readonly_fields = (
        "session",
        "storage_name",
        "codec",
        "format_version",
        "tabs",
        "event_count",
        "raw_bytes",
        "stored_bytes",
        "sha256",
        "start_ts",
        "end_ts",
        "created_at",
        "duration_ms",
        "chunk_table",
    )

    @admin.display(description="Chunks")
    def chunks(self, obj: SessionArchive) -> int:
        return len(obj.manifest)

    @admin.display(description="Raw", ordering="raw_bytes")
    def raw(self, obj: SessionArchive) -> str:
        return filesizeformat(obj.raw_bytes)

    @admin.display(description="Stored", ordering="stored_bytes")
    def stored(self, obj: SessionArchive) -> str:
        return filesizeformat(obj.stored_bytes)

    @admin.display(description="Ratio")
    def ratio(self, obj: SessionArchive) -> str:
        return f"{obj.raw_bytes / obj.stored_bytes:.1f} : 1" if obj.stored_bytes else "—"

    @admin.display(description="Manifest")
    def chunk_table(self, obj: SessionArchive) -> str:
        rows = [
            (
                c["index"],
                _duration(c["start_ts"] - obj.start_ts),
                c["events"],
                filesizeformat(c["length"]),
                c["sha256"][:12],
            )
            for c in obj.manifest
        ]
        head = "<tr><th>#</th><th>Starts at</th><th>Events</th><th>Stored</th><th>sha256</th></tr>"
        return format_html(
            "<table>" + head + "{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )
