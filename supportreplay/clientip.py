"""The client's address behind proxies we trust, for rate limits, consent records and the audit trail.

`X-Forwarded-For` is a list each proxy appends to, so only its right end can be believed: a client may
send any value it likes, and the first proxy then appends the address it really saw. We start from the
socket peer and walk the header from the right while the hop is one of TRUSTED_PROXIES; the first
untrusted hop is the client. With no trusted proxies (the default) the header is ignored entirely, so a
direct client can never choose the address the app sees.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES entries ("10.0.0.5", "172.16.0.0/12", "::1") as networks; ValueError if one is bad."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:5123"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def client_address(meta: Mapping[str, str], trusted: Iterable[str] | None = None) -> str | None:
    """The client IP from a request's META (REMOTE_ADDR, HTTP_X_FORWARDED_FOR)."""
    networks = parse_networks(tuple(settings.TRUSTED_PROXIES if trusted is None else trusted))
    peer = _address(meta.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    if not networks or not _trusted(peer, networks):
        return str(peer)
    hops = [hop for hop in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address: written by someone we do not trust. The last hop we could believe stays.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_ip(request) -> str | None:
    return client_address(request.META)


def scope_client_ip(scope: Mapping) -> str | None:
    """The same rule for a websocket (ASGI scope: `client` peer, raw `headers`)."""
    peer = (scope.get("client") or (None, None))[0]
    forwarded = b",".join(value for name, value in scope.get("headers") or () if name == b"x-forwarded-for")
    meta = {"REMOTE_ADDR": peer or "", "HTTP_X_FORWARDED_FOR": forwarded.decode("latin-1")}
    return client_address(meta)
