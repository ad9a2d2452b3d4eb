"""Webhook settings, read from Django settings with these defaults (documented in docs/INTEGRATIONS.md)."""

from django.conf import settings

DEFAULTS = {
    # Attempts per delivery, the first included; then the delivery is marked failed.
    "SUPPORTREPLAY_WEBHOOK_MAX_ATTEMPTS": 6,
    # Wait before retry n is BACKOFF * 2**(n-1) seconds: 30 s, 1 min, 2 min, 4 min, 8 min.
    "SUPPORTREPLAY_WEBHOOK_BACKOFF_SECONDS": 30.0,
    # One POST may take this long before it counts as failed.
    "SUPPORTREPLAY_WEBHOOK_TIMEOUT_SECONDS": 10.0,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
