"""The one function that writes the audit trail."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from magiclinks.models import AuditEvent
from supportreplay import clientip


def client_ip(request) -> str | None:
    """Client address for rate limits, consent and audit (behind proxies: supportreplay.clientip)."""
    return clientip.client_ip(request)


def record(
    actor, action: str, obj: models.Model | None = None, *, ip: str | None = None, **detail
) -> AuditEvent:
    """Write an AuditEvent: `actor` did `action` to `obj` (a model instance or None)."""
    user = actor if isinstance(actor, AbstractBaseUser) and not isinstance(actor, AnonymousUser) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user else (str(actor) if actor else "system"),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
        ip_address=ip,
    )
