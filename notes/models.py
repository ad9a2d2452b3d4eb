"""An agent's note at a moment of a recording, visible to every agent who may watch it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

MAX_TEXT = 2000


class Note(models.Model):
    session = models.ForeignKey("recordings.RecordingSession", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    # The moment, on the recording's own clock (ms since epoch, like rrweb event timestamps).
    ts = models.BigIntegerField()
    text = models.TextField(max_length=MAX_TEXT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ts", "id"]

    def __str__(self) -> str:
        return self.text[:60]
