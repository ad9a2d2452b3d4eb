"""This site's own origin, and the websocket guard that admits only pages served from it.

Browsers send cookies to a host whatever the port or scheme of the page that opens the socket, so a
websocket that rides on the agent's session cookie must compare the *whole* origin (scheme, host and
port), not the host name alone: a page on `http://<our host>:<another port>` would otherwise read a live
session with the agent's cookie (cross-site websocket hijacking).

Our origin is the one the browser reached: the Host header with the scheme of the connection, where
"secure" also honours SECURE_PROXY_SSL_HEADER (a TLS proxy in front of daphne), plus
SUPPORTREPLAY_PUBLIC_URL when the proxy rewrites the Host header. The Host itself must be one of
ALLOWED_HOSTS (a DNS-rebound name is not ours even when Origin and Host agree).
"""

from __future__ import annotations

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from .targets import origin_of
from .ws_fallback import LayerlessDenier


def scope_header(scope: dict, name: str) -> str:
    """The first value of a request header (lower-case `name`), decoded as latin-1; "" when absent."""
    wanted = name.lower().encode("latin1")
    for key, value in scope.get("headers", []):
        if key.lower() == wanted:
            return value.decode("latin1")
    return ""


def is_secure(scope: dict) -> bool:
    """Did the browser use TLS? The connection's own scheme, or the trusted proxy's header."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, expected = proxy
        # Django names it HTTP_X_FORWARDED_PROTO; the ASGI scope has x-forwarded-proto.
        name = header.removeprefix("HTTP_").replace("_", "-").lower()
        return scope_header(scope, name).split(",")[0].strip() == expected
    return False


def own_origins(scope: dict) -> set[str]:
    """Origins a page of this site can have when it opens this connection."""
    found = set()
    if settings.SUPPORTREPLAY_PUBLIC_URL and (public := origin_of(settings.SUPPORTREPLAY_PUBLIC_URL)):
        found.add(public)
    host = scope_header(scope, "host")
    domain, _port = split_domain_port(host)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        scheme = "https" if is_secure(scope) else "http"
        if origin := origin_of(f"{scheme}://{host}"):
            found.add(origin)
    return found


def is_same_origin(scope: dict) -> bool:
    """True when the Origin header is exactly one of own_origins (a missing or "null" Origin is not)."""
    origin = origin_of(scope_header(scope, "origin"))
    return origin is not None and origin in own_origins(scope)


class SameOriginValidator:
    """ASGI middleware for agent websockets: refuse the handshake (HTTP 403) unless is_same_origin."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not is_same_origin(scope):
            denier = LayerlessDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
