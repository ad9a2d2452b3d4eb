"""Accepting a link: the one step where a link (magiclinks) opens a recording (sessions).

It lives in the project package so that the dependency stays one way: sessions may use magiclinks'
models, magiclinks never uses sessions (`lint-imports` checks both).
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.db import transaction

from magiclinks import services as links
from magiclinks import signals as link_signals
from magiclinks.models import ConsentRecord, MagicLink
from sessions import credentials
from sessions import services as recordings
from sessions.models import RecordingSession

from .signals import send

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accepted:
    session: RecordingSession
    consent: ConsentRecord
    redirect_url: str


def accept(token: str, *, shown_notice_sha256: str | None, client: links.ClientInfo) -> Accepted:
    """Consume one use of the link, record the consent, open a live session; LinkUnavailable if lost."""
    link = links.find_usable_link(token)
    notice = links.check_notice(link, shown_notice_sha256)
    with transaction.atomic():
        consent = links.consume(link, notice, client)
        session = recordings.start_session(link, consent)
    send(link_signals.link_accepted, MagicLink, link=link, session=session, consent=consent)
    log.info("link %s accepted: session %s", link.pk, session.pk)
    return Accepted(session, consent, with_credential(link.target_url, credentials.issue(session.id)))


def with_credential(target_url: str, credential: str) -> str:
    """`target#sr=<credential>`; targets are created without a fragment, any other is replaced."""
    parts = urlsplit(target_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, f"sr={credential}"))
