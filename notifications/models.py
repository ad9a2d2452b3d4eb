"""A short message for one agent on the agent pages ("Jane Doe is sharing now · Watch")."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    action_label = models.CharField(max_length=40, blank=True)
    action_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "id"])]

    def __str__(self) -> str:
        return self.text
