"""Per-IP limit on link requests (GET and POST of /l/<token>), counted in Redis.

Tokens carry 256 bits, so the limit is not what keeps them secret; it keeps a scanner or a stuck
client from hammering the database and filling the consent table. A fixed one-minute window is enough
for that and costs one INCR per request, shared by every daphne process.
"""

import logging
import time

from django.conf import settings

from supportreplay.redis_client import get_redis

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60


def rate_key(scope: str, ip: str, window: int) -> str:
    """The only place these counters' Redis keys are built (`scope`: "link" or "api")."""
    return f"sr:ratelimit:{scope}:{ip}:{window}"


def allow_link_request(ip: str | None, now: float | None = None, *, scope: str = "link") -> bool:
    """Count one request from `ip`; False once it made more than the per-minute limit in this window."""
    window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    key = rate_key(scope, ip or "unknown", window)
    try:
        pipe = get_redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, WINDOW_SECONDS + 5)
        count, _ = pipe.execute()
    except Exception:
        # Fail open: refusing every customer because Redis blinked would be worse than a minute
        # without a limit (the links themselves stay unguessable).
        log.warning("link rate limit unavailable (Redis error); allowing the request", exc_info=True)
        return True
    return int(count) <= settings.SUPPORTREPLAY_LINK_RATE_PER_MINUTE
