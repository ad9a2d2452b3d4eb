"""Does a page load our loader? A server-side GET of an agent-given URL, built not to be an SSRF tool.

- Only http(s) on any port; the host is resolved once and *every* address must be public (no loopback,
  private, link-local, multicast, reserved or unspecified) unless DEBUG; the connection then goes to the
  resolved address (no second DNS lookup an attacker could rebind) with the original Host and TLS name.
- Redirects are followed by hand, at most MAX_REDIRECTS, each one checked the same way.
- A total deadline and a byte cap: a slow or huge answer ends the check, not the server.
- No cookies, no credentials, nothing from the agent's request is forwarded; the answer body is only
  searched, never shown.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 5.0
MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "SupportReplay-install-check/1"
_SCRIPT_SRC = re.compile(rb"""<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)


class CheckRefused(Exception):
    """The URL may not be fetched (bad scheme, private address, too many redirects): a clear message."""


@dataclass(frozen=True)
class CheckResult:
    url: str  # the final URL after redirects
    status: int
    found: bool  # a <script src> pointing at our loader URL
    other_loaders: list[str] = field(default_factory=list)  # a loader.js of another server
    csp: str = ""  # the page's Content-Security-Policy header, if any
    csp_problems: list[str] = field(default_factory=list)
    truncated: bool = False


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, allow_private: bool) -> str:
    """One address of `host` to connect to; CheckRefused when any address is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CheckRefused(f"{host} does not resolve.") from exc
    addresses = [info[4][0] for info in infos]
    if not allow_private and not all(_public(a) for a in addresses):
        raise CheckRefused(f"{host} is a private or local address: the check only fetches public sites.")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def _get(url: str, deadline: float, allow_private: bool) -> tuple[int, dict[str, str], bytes, bool]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CheckRefused("Enter a full http:// or https:// address.")
    if parts.username or parts.password:
        raise CheckRefused("The address must not contain a user name or password.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(parts.hostname, port, allow_private)
    left = deadline - time.monotonic()
    if left <= 0:
        raise CheckRefused("The site took too long to answer.")
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    conn = kind(parts.hostname, port, address, timeout=min(left, TIMEOUT_SECONDS))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html"})
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        body = b""
        while len(body) <= MAX_BYTES and time.monotonic() < deadline:
            piece = response.read(64 * 1024)
            if not piece:
                break
            body += piece
        return response.status, headers, body[:MAX_BYTES], len(body) > MAX_BYTES
    except (OSError, http.client.HTTPException) as exc:
        raise CheckRefused(f"Could not fetch the page: {type(exc).__name__}: {exc}"[:300]) from exc
    finally:
        conn.close()


def csp_problems(csp: str, script_origin: str, ws_origin: str, page_origin: str = "") -> list[str]:
    """What a page's CSP header would block: our script origin and our websocket origin."""
    if not csp:
        return []
    directives = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    default = directives.get("default-src")

    def allows(name: str, origin: str, schemes: tuple[str, ...]) -> bool:
        sources = directives.get(name, default)
        if sources is None:
            return True
        if "'self'" in sources and page_origin and origin_key(origin) == origin_key(page_origin):
            return True
        return "*" in sources or origin.lower() in sources or any(s in sources for s in schemes)

    problems = []
    if not allows(
        "script-src", script_origin, ("https:",) if script_origin.startswith("https") else ("http:",)
    ):
        problems.append(f"script-src does not allow {script_origin}")
    if not allows("connect-src", ws_origin, (ws_origin.split("//")[0],)):
        problems.append(f"connect-src does not allow {ws_origin}")
    return problems


def origin_key(origin: str) -> str:
    """ws/wss compare like http/https for 'self'."""
    return origin.lower().replace("wss://", "https://").replace("ws://", "http://")


def check(url: str, loader_url: str, ws_origin: str) -> CheckResult:
    """Fetch `url` (following redirects safely) and look for a <script src> of `loader_url`."""
    allow_private = settings.DEBUG
    deadline = time.monotonic() + TIMEOUT_SECONDS
    current = url.strip()
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body, truncated = _get(current, deadline, allow_private)
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            current = urljoin(current, headers["location"])
            continue
        break
    else:
        raise CheckRefused(f"More than {MAX_REDIRECTS} redirects.")
    sources = [urljoin(current, m.decode("latin-1")) for m in _SCRIPT_SRC.findall(body)]
    ours = loader_url.split("?")[0]
    found = any(src.split("?")[0] == ours for src in sources)
    others = [
        s for s in sources if s.split("?")[0].endswith("/recorder/loader.js") and s.split("?")[0] != ours
    ]
    script_origin = "{0.scheme}://{0.netloc}".format(urlsplit(loader_url))
    csp = headers.get("content-security-policy", "")
    return CheckResult(
        url=current,
        status=status,
        found=found,
        other_loaders=others[:3],
        csp=csp[:2000],
        csp_problems=csp_problems(
            csp, script_origin, ws_origin, "{0.scheme}://{0.netloc}".format(urlsplit(current))
        ),
        truncated=truncated,
    )
