"""Links an agent sends, the consent a customer gives, and the audit trail of who did what.

A link's token is never stored: only its SHA-256 (to find it) and its last four characters (to let an
agent tell two links apart in a list).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class LinkStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    USED = "used", "Used"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class MagicLink(models.Model):
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_last4 = models.CharField(max_length=4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="magic_links"
    )
    customer_name = models.CharField(max_length=200, blank=True)
    customer_email = models.EmailField(blank=True)
    ticket_ref = models.CharField("ticket", max_length=100, blank=True)
    ticket_url = models.URLField(blank=True)
    target_url = models.URLField(max_length=2000)
    note = models.TextField(
        blank=True, max_length=500, help_text="Shown to the customer on the consent page."
    )
    capture_console = models.BooleanField(default=True)
    capture_network = models.BooleanField("capture network metadata", default=True)
    capture_network_bodies = models.BooleanField(default=False)
    mask_all_text = models.BooleanField(default=False)
    capture_assets = models.BooleanField(
        "capture images and fonts",
        default=True,
        help_text="Images and fonts the customer's browser loaded travel with the recording (never with "
        "'mask all text').",
    )
    expires_at = models.DateTimeField()
    max_sessions = models.PositiveSmallIntegerField(default=1)
    sessions_used = models.PositiveSmallIntegerField(default=0, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        who = self.customer_name or self.customer_email or "customer"
        return f"…{self.token_last4} for {who}" + (f" ({self.ticket_ref})" if self.ticket_ref else "")

    @property
    def status(self) -> str:
        if self.revoked_at:
            return LinkStatus.REVOKED
        if self.sessions_used >= self.max_sessions:
            return LinkStatus.USED
        if self.expires_at <= timezone.now():
            return LinkStatus.EXPIRED
        return LinkStatus.ACTIVE


class ConsentDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class ConsentRecord(models.Model):
    """Proof of what the customer was shown and what they chose."""

    link = models.ForeignKey(MagicLink, on_delete=models.PROTECT, related_name="consents")
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    decided_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    notice_version = models.CharField(max_length=20)
    notice_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} at {self.decided_at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """Append-only: who did what to which object. Kept after recordings are purged."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.actor_label or 'system'} {self.action} {self.object_type} {self.object_id}"


class AgentApiToken(models.Model):
    """Per-agent token for the helpdesk API (`Authorization: Bearer …`); stored hashed like link tokens."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="helpdesk")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_last4 = models.CharField(max_length=4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "agent API token"

    def __str__(self) -> str:
        return f"{self.name} …{self.token_last4} ({self.user})"
