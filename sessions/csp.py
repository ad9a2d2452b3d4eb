"""The Content-Security-Policy of the agent pages, built in one place.

The live and replay pages rebuild the recorded page in rrweb's iframe (about:blank, `sandbox=
"allow-same-origin"`), which inherits this policy. So the policy decides what a *recording* can make the
agent's browser fetch: by default nothing outside SupportReplay's own origin (plus data: and blob: URLs).
A recorded `<img>`, `srcset`, CSS `url()`, `@import`, web font, `<video>`/`<audio>` or `<link rel=preload>`
pointing at the recorded site (or anywhere else) is blocked, so the agent's IP address and viewing time
never reach it. The page counts what was blocked and says so (static/player/src/blocked.js).

Extension points:
- assets the recorder captured and SupportReplay serves itself come from 'self' and need no change;
- `asset_sources()` is the one list every asset directive uses: add a source there, not in a directive;
- SUPPORTREPLAY_REPLAY_REMOTE_ASSETS=true lets an administrator allow the recorded sites' assets again
  (http: and https:), accepting that the recorded site learns when a recording is viewed.
"""

from __future__ import annotations

from django.conf import settings

REMOTE = ("https:", "http:")


def remote_assets_allowed() -> bool:
    return bool(settings.SUPPORTREPLAY_REPLAY_REMOTE_ASSETS)


def asset_sources() -> list[str]:
    """Where images, styles, fonts and media of a rebuilt recording may come from."""
    return ["'self'", "data:", "blob:", *(REMOTE if remote_assets_allowed() else ())]


def agent_policy() -> str:
    assets = " ".join(asset_sources())
    return "; ".join(
        [
            "default-src 'self'",
            # No script from a recording may run (inline, on*= attributes, javascript: URLs), even if
            # rrweb's sandbox were ever weakened.
            "script-src 'self'",
            # rrweb writes recorded <style> text inline; url() and @import inside it are still held to
            # the asset sources below.
            f"style-src {assets} 'unsafe-inline'",
            f"img-src {assets}",
            f"font-src {assets}",
            f"media-src {assets}",
            # The watch socket: 'self' covers ws(s):// of this host in CSP Level 3 browsers.
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
