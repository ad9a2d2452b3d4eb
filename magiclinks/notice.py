"""The privacy notice a customer reads before sharing, and its fingerprint.

The notice is rendered from the link and the settings alone (no request, no clock), so the server can
render it again at POST time and get the same bytes. The consent record keeps the SHA-256 of exactly
those bytes: together with the version and the template in git, it proves what the customer was shown.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .agents import display_name, has_display_name
from .models import MagicLink

# Bump when the wording of templates/magiclinks/notice.html changes in substance.
# 2026-12.1: the note is signed with the display name, never a username.
# 2026-12.2: what stays hidden matches the privacy contract (docs/PRIVACY.md), names stay visible.
# 2026-12.3: lists the copies of images and fonts (the link's "capture images and fonts").
NOTICE_VERSION = "2026-12.3"
TEMPLATE = "magiclinks/notice.html"


@dataclass(frozen=True)
class Notice:
    html: SafeString
    sha256: str
    version: str


def agent_display_name(link: MagicLink) -> str:
    """The agent's display name, never a username (magiclinks.agents)."""
    return display_name(link.created_by)


def render_notice(link: MagicLink) -> Notice:
    context = {
        "company_name": settings.SUPPORTREPLAY_COMPANY_NAME,
        "agent_name": agent_display_name(link),
        "agent_named": has_display_name(link.created_by),
        "note": link.note.strip(),
        "site": urlsplit(link.target_url).netloc,
        "console": link.capture_console,
        "network": link.capture_network,
        "bodies": link.capture_network and link.capture_network_bodies,
        "mask_all_text": link.mask_all_text,
        "assets": link.capture_assets and not link.mask_all_text,
        "retention_days": settings.SUPPORTREPLAY_RETENTION_DAYS,
        "idle_minutes": settings.SUPPORTREPLAY_IDLE_MINUTES,
        "max_minutes": settings.SUPPORTREPLAY_MAX_SESSION_MINUTES,
        "version": NOTICE_VERSION,
    }
    html = render_to_string(TEMPLATE, context).strip()
    return Notice(mark_safe(html), hashlib.sha256(html.encode()).hexdigest(), NOTICE_VERSION)  # noqa: S308
