"""Per-agent API tokens for helpdesk integrations: made once, stored hashed, checked per request."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from . import tokens
from .models import AgentApiToken


def create_api_token(user, name: str = "helpdesk") -> tuple[AgentApiToken, str]:
    """Save a new token for `user`; the clear value is returned once and never stored."""
    secret = tokens.new_api_token()
    obj = AgentApiToken.objects.create(
        user=user, name=name or "helpdesk", token_hash=secret.sha256, token_last4=secret.last4
    )
    return obj, secret.value


def issue_for(obj: AgentApiToken) -> str:
    """Give a prepared, unsaved token object (admin add form) its secret, save it, return the secret."""
    secret = tokens.new_api_token()
    obj.token_hash, obj.token_last4 = secret.sha256, secret.last4
    obj.save(force_insert=True)
    return secret.value


def authenticate(value: str):
    """The active user owning the active token `value`, or None."""
    if not value or not value.startswith(tokens.API_TOKEN_PREFIX) or len(value) > 100:
        return None
    found = (
        AgentApiToken.objects.select_related("user")
        .filter(token_hash=tokens.hash_secret(value), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    # Only touch the row when the stamp is stale, so a busy helpdesk does not write on every call.
    now = timezone.now()
    AgentApiToken.objects.filter(pk=found.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(minutes=1))
    ).update(last_used_at=now)
    return found.user


def bearer_value(authorization: str) -> str:
    scheme, _, value = (authorization or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""
