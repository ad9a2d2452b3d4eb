"""Outgoing webhook endpoints and each delivery to them (what was sent, when, and how it went)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    SESSION_STARTED = "session_started", "Session started"
    SESSION_ENDED = "session_ended", "Session ended"
    SESSION_ARCHIVED = "session_archived", "Session archived (replay ready)"
    LINK_ACCEPTED = "link_accepted", "Link accepted by the customer"
    LINK_DECLINED = "link_declined", "Link declined by the customer"


class Format(models.TextChoices):
    SLACK = "slack", 'Slack-compatible ({"text": ...})'
    GENERIC = "generic", "Generic JSON"


class WebhookEndpoint(models.Model):
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500, help_text="http(s) URL that receives a POST per event.")
    # The admin's shared secret for HMAC-SHA256 signatures: the receiver needs the same value to verify, so
    # it is stored as given (unlike tokens, which are only ever stored hashed). The admin shows its last 4.
    secret = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event names this endpoint receives.")
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.GENERIC)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}" if self.secret else "(none)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint} ({self.status})"
