"""Verbs of a link's life: create, show, consume, decline, revoke. Admin, API, command and views call these.

Accepting a link also opens a recording, which is the sessions app's business: the whole accept is
supportreplay.consent.accept, which calls `consume` here inside its transaction. magiclinks never imports
sessions; a revoke reaches the recordings through the `link_revoked` signal.

Consumption is one conditional UPDATE (`sessions_used < max_sessions`, not revoked, not expired): the
database picks exactly one winner when many requests race for the last use of a link, on SQLite and on
PostgreSQL alike, with no lock held across a network round trip.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from supportreplay import audit
from supportreplay.signals import send
from supportreplay.targets import validate_target_url

from . import signals, tokens
from .models import ConsentDecision, ConsentRecord, MagicLink
from .notice import Notice, render_notice

log = logging.getLogger(__name__)

MAX_SESSIONS_LIMIT = 20
_DURATION_RE = re.compile(r"^\s*(\d{1,4})\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class LinkUnavailable(Exception):
    """Unknown, expired, used or revoked: deliberately one exception, so callers cannot tell them apart."""


class NoticeChanged(Exception):
    """The notice rendered now differs from the one the customer was shown: ask again, record nothing."""


@dataclass(frozen=True)
class CreatedLink:
    link: MagicLink
    token: str  # shown once to the agent, never stored

    def url(self, base: str) -> str:
        return link_url(self.token, base)


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None
    user_agent: str


# --- creating ------------------------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """`30m`, `2h`, `3d`, `1w` -> timedelta (ValidationError otherwise)."""
    match = _DURATION_RE.match(str(text))
    if not match:
        raise ValidationError("Use a number and a unit, like 30m, 2h, 3d or 1w.", code="duration")
    return timedelta(**{_UNITS[match[2].lower()]: int(match[1])})


def default_expiry() -> timedelta:
    return timedelta(hours=settings.SUPPORTREPLAY_LINK_DEFAULT_HOURS)


def max_expiry() -> timedelta:
    return timedelta(days=settings.SUPPORTREPLAY_LINK_MAX_DAYS)


def validate_expires_in(expires_in: timedelta) -> timedelta:
    if expires_in < timedelta(minutes=5):
        raise ValidationError("A link must stay valid for at least 5 minutes.", code="expiry_short")
    if expires_in > max_expiry():
        raise ValidationError(
            "A link can be valid for at most %(days)d days.",
            code="expiry_long",
            params={"days": settings.SUPPORTREPLAY_LINK_MAX_DAYS},
        )
    return expires_in


def issue_link(
    link: MagicLink,
    actor,
    *,
    expires_in: timedelta | None = None,
    site_origin: str | None = None,
    ip: str | None = None,
) -> str:
    """Give a prepared, unsaved link its token and expiry, save it, audit it; return the token (once)."""
    errors: dict[str, list] = {}
    try:
        link.target_url = validate_target_url(link.target_url, site_origin)
    except ValidationError as exc:
        errors["target_url"] = exc.error_list
    try:
        expires_in = validate_expires_in(expires_in if expires_in is not None else default_expiry())
    except ValidationError as exc:
        errors["expires"] = exc.error_list
    if not 1 <= link.max_sessions <= MAX_SESSIONS_LIMIT:
        errors["max_sessions"] = [ValidationError(f"Choose between 1 and {MAX_SESSIONS_LIMIT} sessions.")]
    if errors:
        raise ValidationError(errors)
    secret = tokens.new_link_token()
    link.token_hash, link.token_last4 = secret.sha256, secret.last4
    link.created_by = actor
    link.created_at = timezone.now()
    link.expires_at = link.created_at + expires_in
    link.full_clean(validate_unique=False)  # token_hash is 256 random bits: no need to ask the database
    with transaction.atomic():
        link.save(force_insert=True)
        audit.record(
            actor,
            "link.create",
            link,
            ip=ip,
            last4=link.token_last4,
            target=link.target_url,
            expires_at=link.expires_at.isoformat(),
            max_sessions=link.max_sessions,
        )
    return secret.value


def create_link(
    actor,
    *,
    target_url: str,
    expires_in: timedelta | None = None,
    site_origin: str | None = None,
    ip: str | None = None,
    **fields,
) -> CreatedLink:
    """Create a link from plain values (API, command line); unknown field names raise TypeError."""
    link = MagicLink(target_url=target_url, **fields)
    token = issue_link(link, actor, expires_in=expires_in, site_origin=site_origin, ip=ip)
    return CreatedLink(link, token)


def public_base(request=None) -> str:
    """Where customers reach this server: SUPPORTREPLAY_PUBLIC_URL, else the host the request came to."""
    if settings.SUPPORTREPLAY_PUBLIC_URL:
        return settings.SUPPORTREPLAY_PUBLIC_URL.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    # No request (manage.py create_link): the address this server's web process listens on.
    host = "127.0.0.1" if settings.WEB_HOST in ("", "0.0.0.0", "::") else settings.WEB_HOST
    return f"http://{host}:{settings.PORT}"


def link_url(token: str, base: str) -> str:
    return base.rstrip("/") + reverse("consent", args=[token])


# --- the customer's side -------------------------------------------------------------------------------


def _usable(queryset):
    return queryset.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now(), sessions_used__lt=F("max_sessions")
    )


def find_usable_link(token: str) -> MagicLink:
    """The active link for `token`, or LinkUnavailable. Reads only: mail scanners prefetch links."""
    if not tokens.looks_like_link_token(token):
        raise LinkUnavailable
    link = _usable(MagicLink.objects.select_related("created_by")).filter(
        token_hash=tokens.hash_secret(token)
    )
    found = link.first()
    if found is None:
        raise LinkUnavailable
    return found


def check_notice(link: MagicLink, shown_sha256: str | None) -> Notice:
    """The notice as rendered now; NoticeChanged if the customer was shown a different one."""
    notice = render_notice(link)
    if shown_sha256 is not None and shown_sha256 != notice.sha256:
        raise NoticeChanged
    return notice


def consume(link: MagicLink, notice: Notice, client: ClientInfo) -> ConsentRecord:
    """Take one use of the link and record the consent; LinkUnavailable if the link was lost meanwhile.

    Call it inside the transaction that also opens the recording (supportreplay.consent.accept).
    """
    # The write comes first in the transaction: SQLite then waits for the lock instead of failing
    # to upgrade a read snapshot, and PostgreSQL re-checks the WHERE after a concurrent winner commits.
    won = _usable(MagicLink.objects.filter(pk=link.pk)).update(sessions_used=F("sessions_used") + 1)
    if not won:
        raise LinkUnavailable
    return _record(link, ConsentDecision.ACCEPTED, notice, client)


def decline(token: str, *, shown_notice_sha256: str | None, client: ClientInfo) -> ConsentRecord:
    """Record a refusal. The link stays usable: a customer who misclicked can still open it again."""
    link = find_usable_link(token)
    notice = check_notice(link, shown_notice_sha256)
    consent = _record(link, ConsentDecision.DECLINED, notice, client)
    send(signals.link_declined, MagicLink, link=link, consent=consent)
    log.info("link %s declined", link.pk)
    return consent


def _record(link: MagicLink, decision: str, notice: Notice, client: ClientInfo) -> ConsentRecord:
    return ConsentRecord.objects.create(
        link=link,
        decision=decision,
        ip_address=client.ip,
        user_agent=client.user_agent[:500],
        notice_version=notice.version,
        notice_sha256=notice.sha256,
    )


# --- the agent's side, afterwards ----------------------------------------------------------------------


def revoke_link(link: MagicLink, actor, *, ip: str | None = None) -> bool:
    """Revoke a link and end its live sessions; False when it was revoked already (nothing happens)."""
    now = timezone.now()
    if not MagicLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    link.revoked_at = now
    # The recordings end in the receivers (sessions.receivers), after the UPDATE: an accept that won the
    # row before us has committed its session by then.
    ended = signals.link_revoked.send(MagicLink, link=link)
    live = sum(count for _, count in ended if isinstance(count, int))
    audit.record(actor, "link.revoke", link, ip=ip, last4=link.token_last4, live_sessions=live)
    return True
