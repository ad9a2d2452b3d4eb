"""Where a link may send a customer: the target URL check and the origins it is checked against.

A link is a redirect the customer trusts because it comes from support. An agent (or a stolen agent
API token) able to point it anywhere would make it an open redirect that hands a recording credential
to a foreign site, so the target's origin must be one the operator listed, or this site itself.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]`, lower-cased, default port dropped; None when `url` has no usable origin."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def configured_origins() -> set[str]:
    """The operator's SUPPORTREPLAY_ALLOWED_ORIGINS, normalised."""
    return {o for o in map(origin_of, settings.SUPPORTREPLAY_ALLOWED_ORIGINS) if o}


def allowed_origins(site_origin: str | None = None) -> set[str]:
    """The configured origins plus the site's own (public URL, or the origin the request came to)."""
    allowed = configured_origins()
    for candidate in (settings.SUPPORTREPLAY_PUBLIC_URL, site_origin):
        if candidate and (origin := origin_of(candidate)):
            allowed.add(origin)
    return allowed


def is_local_origin(origin: str) -> bool:
    host = urlsplit(origin).hostname or ""
    return host in LOOPBACK_HOSTS


def validate_target_url(url: str, site_origin: str | None = None) -> str:
    """Return the cleaned target URL or raise ValidationError saying what is wrong with it."""
    url = (url or "").strip()
    parts = urlsplit(url)
    origin = origin_of(url)
    if origin is None:
        raise ValidationError("Enter a full http:// or https:// address.", code="invalid_url")
    if parts.username or parts.password:
        # `https://shop.example@evil.example/` reads like the shop to a human.
        raise ValidationError("The address must not contain a user name or password.", code="userinfo")
    if parts.fragment or url.endswith("#"):
        # The recording credential travels in the fragment (`#sr=`); an existing one would be lost.
        raise ValidationError("Remove the #fragment from the address.", code="fragment")
    if origin in allowed_origins(site_origin):
        return url
    if settings.DEBUG and is_local_origin(origin):
        return url  # local development: the demo shop and test servers on any loopback port
    raise ValidationError(
        "%(origin)s is not an allowed site. Ask an administrator to add it to SUPPORTREPLAY_ALLOWED_ORIGINS.",
        code="origin_not_allowed",
        params={"origin": origin},
    )
