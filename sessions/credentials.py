"""The recording credential the consent step hands to the customer's page (`#sr=<credential>`).

A signed value (its own salt) bound to the session id; it proves which session a socket may write to.
It is checked against the session's state on every connect, so revoking or ending a session makes the
credential useless even though its signature stays valid.
"""

from uuid import UUID

from django.conf import settings
from django.core import signing

SALT = "supportreplay.recording-credential.v1"


class BadCredential(Exception):
    """Missing, tampered, expired or malformed credential."""


def issue(session_id: UUID) -> str:
    return signing.dumps({"s": str(session_id)}, salt=SALT, compress=False)


def verify(credential: object) -> UUID:
    """Return the session id the credential is bound to, or raise BadCredential."""
    if not isinstance(credential, str) or not 10 < len(credential) < 400:
        raise BadCredential("malformed")
    max_age = (settings.SUPPORTREPLAY_MAX_SESSION_MINUTES + 60) * 60
    try:
        payload = signing.loads(credential, salt=SALT, max_age=max_age)
        return UUID(payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadCredential(type(exc).__name__) from exc


def issued_within(credential: str, seconds: int) -> bool:
    """True when `credential` (already verified) was issued at most `seconds` ago."""
    try:
        signing.loads(credential, salt=SALT, max_age=seconds)
    except signing.BadSignature:
        return False
    return True
