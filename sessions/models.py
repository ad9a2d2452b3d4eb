"""A recording session (one customer consent) and its archive.

While a session is live, Redis is the source of truth for its events and counters (see keys.py); the
database holds its identity, state and, once archived, the manifest and summary.
"""

import uuid

from django.db import models
from django.utils import timezone


class SessionState(models.TextChoices):
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"
    ARCHIVED = "archived", "Archived"


class EndReason(models.TextChoices):
    STOP = "stop", "Customer stopped sharing"
    REVOKED = "revoked", "Revoked by an agent"
    IDLE = "idle", "Idle timeout"
    MAX_DURATION = "max_duration", "Maximum duration reached"
    EXPIRED = "expired", "Credential expired"


class ArchiveStatus(models.TextChoices):
    NONE = "none", "Not archived"
    PENDING = "pending", "Queued"
    RUNNING = "running", "Archiving"
    DONE = "done", "Archived"
    FAILED = "failed", "Failed"


class RecordingSession(models.Model):
    # A random UUID: session ids appear in agent URLs and must not be enumerable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link = models.ForeignKey("magiclinks.MagicLink", on_delete=models.PROTECT, related_name="sessions")
    consent = models.OneToOneField(
        "magiclinks.ConsentRecord", on_delete=models.PROTECT, related_name="session", null=True, blank=True
    )
    state = models.CharField(max_length=10, choices=SessionState.choices, default=SessionState.LIVE)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_page_url = models.URLField(max_length=2000, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    raw_bytes = models.PositiveBigIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    failed_request_count = models.PositiveIntegerField(default=0)
    archive_status = models.CharField(
        max_length=10, choices=ArchiveStatus.choices, default=ArchiveStatus.NONE
    )
    archive_error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # SHA-256 of (session id, device secret) of the browser that claimed the credential first
    # (sessions/device_binding.py); empty until then.
    device_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        permissions = [
            ("watch_recordingsession", "Can watch live sessions and replay recordings"),
            ("export_recordingsession", "Can export recordings"),
        ]

    def __str__(self) -> str:
        return f"Session {str(self.id)[:8]} ({self.state})"

    @property
    def is_live(self) -> bool:
        return self.state == SessionState.LIVE

    @property
    def duration_seconds(self) -> float:
        end = self.ended_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())


class SessionArchive(models.Model):
    """One stored object per session: compressed chunks, each starting at a full snapshot.

    `manifest` lists the chunks: [{"index", "start_ts", "end_ts", "offset", "length", "events",
    "raw_bytes", "sha256"}], so a player can fetch one byte range to seek.
    """

    session = models.OneToOneField(RecordingSession, on_delete=models.CASCADE, related_name="archive")
    storage_name = models.CharField(max_length=300)
    codec = models.CharField(max_length=80)
    format_version = models.PositiveSmallIntegerField(default=1)
    manifest = models.JSONField(default=list)
    tabs = models.JSONField(default=dict, help_text="tab id -> {first_seq, last_seq, batches, gaps}")
    event_count = models.PositiveIntegerField(default=0)
    raw_bytes = models.PositiveBigIntegerField(default=0)
    stored_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    start_ts = models.BigIntegerField(default=0, help_text="ms since epoch of the first event")
    end_ts = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0, help_text="time the archive task took")

    def __str__(self) -> str:
        return f"Archive of {self.session_id}"
