"""HMAC-SHA256 signatures of webhook bodies (Stripe-style: the timestamp is signed with the body). Pure.

    X-SupportReplay-Timestamp: 1764600000
    X-SupportReplay-Signature: sha256=<hex of HMAC-SHA256(secret, "1764600000." + body)>

A receiver recomputes the HMAC with the shared secret, compares in constant time, and refuses timestamps
older than a few minutes (a replayed request keeps its old timestamp, which is inside the signature).
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-SupportReplay-Timestamp"
SIGNATURE_HEADER = "X-SupportReplay-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: int, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (also used by the tests): fresh timestamp and matching signature."""
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)
