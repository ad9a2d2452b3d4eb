"""Bearer secrets (link tokens, agent API tokens): made here, hashed here, recognised here.

A secret is shown to a person exactly once and never stored: the database keeps its SHA-256 (to find it
again) and its last four characters (so an agent can tell two links apart in a list). SHA-256 without a
salt is enough because the secret itself carries 256 bits of randomness: nothing to brute-force.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass

TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters of [A-Za-z0-9_-]; anything else cannot be one of ours.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
API_TOKEN_PREFIX = "srk_"


@dataclass(frozen=True)
class NewSecret:
    """A freshly made secret: `value` goes to the person, `sha256` and `last4` to the database."""

    value: str
    sha256: str
    last4: str


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_link_token() -> NewSecret:
    value = secrets.token_urlsafe(TOKEN_BYTES)
    return NewSecret(value, hash_secret(value), value[-4:])


def new_api_token() -> NewSecret:
    # A prefix lets secret scanners (and people) recognise a leaked SupportReplay API token.
    value = API_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    return NewSecret(value, hash_secret(value), value[-4:])


def looks_like_link_token(value: str) -> bool:
    return bool(TOKEN_RE.match(value))
