"""A recording credential belongs to the browser that consented, not to whoever holds the link.

Threat: the credential travels in a URL (`target#sr=<credential>`). Someone who accepts a link can
forward that URL, and the browser that opens it would be recorded without its user ever seeing the
consent page. So the credential is *single-claim*:

- the loader keeps a random device secret in the target origin's localStorage (shared by the tabs of
  one browser profile, unknown to any other browser) and sends it in every hello (`dev`);
- the first hello within SUPPORTREPLAY_CLAIM_SECONDS of consent claims the session for that secret
  (one conditional UPDATE: exactly one winner under a race); the consenting browser follows the
  consent redirect at once, so in practice it is the one that claims;
- every later hello must present the same secret. A forwarded credential opened in another browser,
  or an unclaimed one presented after the claim window, is refused with 4409 before anything is stored.

What remains is in docs/PRIVACY.md ("Consent is bound to the consenting browser").
"""

from __future__ import annotations

import hashlib
from uuid import UUID

from django.conf import settings
from django.utils.crypto import constant_time_compare

from . import credentials
from .models import RecordingSession


def claim_seconds() -> int:
    return int(settings.SUPPORTREPLAY_CLAIM_SECONDS)


def device_digest(session_id: UUID, device: str) -> str:
    # Per session: the same browser is not recognisable across sessions from the database.
    return hashlib.sha256(f"{session_id}:{device}".encode()).hexdigest()


def admit(session_id: UUID, credential: str, device: str) -> bool:
    """May the browser holding `device` write to this session? Claims it when still unclaimed."""
    digest = device_digest(session_id, device)
    if credentials.issued_within(credential, claim_seconds()):
        claimed = RecordingSession.objects.filter(pk=session_id, device_hash="").update(device_hash=digest)
        if claimed:
            return True
    bound = RecordingSession.objects.filter(pk=session_id).values_list("device_hash", flat=True).first()
    return bool(bound) and constant_time_compare(bound, digest)
