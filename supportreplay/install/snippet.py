"""What a customer's developers paste and allow, for this server. Pure: from a base URL to strings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.templatetags.static import static

LOADER_STATIC = "recorder/loader.js"


@dataclass(frozen=True)
class Instructions:
    base: str  # https://support.example.com
    loader_url: str
    snippet: str
    ingest_url: str  # wss://support.example.com/ws/ingest/
    csp_script_src: str
    csp_connect_src: str


def instructions(base: str) -> Instructions:
    base = base.rstrip("/")
    parts = urlsplit(base)
    loader_url = base + static(LOADER_STATIC)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    ws_origin = f"{ws_scheme}://{parts.netloc}"
    return Instructions(
        base=base,
        loader_url=loader_url,
        snippet=f'<script src="{loader_url}" async></script>',
        ingest_url=f"{ws_origin}/ws/ingest/",
        csp_script_src=f"script-src 'self' {base}",
        csp_connect_src=f"connect-src 'self' {ws_origin}",
    )
