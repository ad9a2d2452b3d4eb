"""`/sessions/`: every session, live ones first, with filters, search and pagination.

Counters of a live session live in Redis (meta hash, read through store.read_metas), so live rows read
them there; ended and archived rows read the database, where end_session copied them. `/sessions/rows.json`
returns the rendered rows of the same query so the page refreshes live rows every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.timesince import timesince

from magiclinks.models import MagicLink

from .. import store
from ..models import RecordingSession, SessionState
from ..permissions import agent_required
from . import with_agent_headers

PER_PAGE = 25
NO_META = store.SessionMeta()


@dataclass(frozen=True)
class Filters:
    state: str = ""
    q: str = ""
    errors: bool = False
    agent: int | None = None
    link: int | None = None

    @classmethod
    def from_query(cls, params) -> Filters:
        def number(name: str) -> int | None:
            value = params.get(name, "")
            return int(value) if value.isdigit() else None

        state = params.get("state", "")
        return cls(
            state=state if state in SessionState.values else "",
            q=params.get("q", "").strip()[:200],
            errors=params.get("errors") == "1",
            agent=number("agent"),
            link=number("link"),
        )

    @property
    def active(self) -> bool:
        return bool(self.state or self.q or self.errors or self.agent or self.link)

    def query(self, **extra) -> str:
        values = {
            "state": self.state,
            "q": self.q,
            "errors": "1" if self.errors else "",
            "agent": self.agent or "",
            "link": self.link or "",
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class Row:
    id: str
    customer: str
    customer_email: str
    ticket: str
    ticket_url: str
    agent: str
    started_at: datetime
    duration_s: int
    page_url: str
    errors: int
    failed_requests: int
    state: str
    connected: bool
    archive_status: str
    archive_bytes: int | None

    @property
    def duration_label(self) -> str:
        return human_duration(self.duration_s)

    @property
    def started_label(self) -> str:
        if (timezone.now() - self.started_at).total_seconds() < 60:
            return "just now"
        return timesince(self.started_at).split(",")[0] + " ago"

    @property
    def size_label(self) -> str:
        return human_bytes(self.archive_bytes) if self.archive_bytes is not None else ""


def human_duration(seconds: int) -> str:
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def filtered(filters: Filters) -> QuerySet[RecordingSession]:
    qs = RecordingSession.objects.select_related("link", "link__created_by", "archive").annotate(
        live_first=Case(
            When(state=SessionState.LIVE, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.agent:
        qs = qs.filter(link__created_by_id=filters.agent)
    if filters.link:
        qs = qs.filter(link_id=filters.link)
    if filters.q:
        q = filters.q
        qs = qs.filter(
            Q(link__ticket_ref__icontains=q)
            | Q(link__customer_name__icontains=q)
            | Q(link__customer_email__icontains=q)
            | Q(last_page_url__icontains=q)
            | Q(link__target_url__icontains=q)
        )
    if filters.errors:
        # Live counters are in Redis: look at the (few) live candidates there.
        live_ids = list(qs.filter(state=SessionState.LIVE).values_list("pk", flat=True))
        metas = store.read_metas(live_ids)
        live_with_errors = [sid for sid in live_ids if (metas[str(sid)] or NO_META).errors > 0]
        qs = qs.filter(Q(pk__in=live_with_errors) | (~Q(state=SessionState.LIVE) & Q(error_count__gt=0)))
    return qs.order_by("live_first", "-started_at")


def to_rows(sessions: list[RecordingSession]) -> list[Row]:
    metas = store.read_metas([s.pk for s in sessions if s.is_live])
    rows = []
    for s in sessions:
        # Live rows read Redis; ended and archived rows the database (end_session copied the counters).
        m = (metas.get(str(s.pk)) or NO_META) if s.is_live else NO_META
        archive = getattr(s, "archive", None) if s.state == SessionState.ARCHIVED else None
        link = s.link
        rows.append(
            Row(
                id=str(s.pk),
                customer=link.customer_name or link.customer_email or "Customer",
                customer_email=link.customer_email,
                ticket=link.ticket_ref,
                ticket_url=link.ticket_url,
                agent=link.created_by.get_username(),
                started_at=s.started_at,
                duration_s=int(s.duration_seconds),
                page_url=m.page_url or s.last_page_url or link.target_url,
                errors=m.errors if s.is_live else s.error_count,
                failed_requests=m.failed_requests if s.is_live else s.failed_request_count,
                state=s.state,
                connected=m.connected > 0,
                archive_status=s.archive_status,
                archive_bytes=archive.stored_bytes if archive else None,
            )
        )
    return rows


def _page(request: HttpRequest, filters: Filters) -> tuple[Page, list[Row]]:
    paginator = Paginator(filtered(filters), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return page, to_rows(list(page.object_list))


@agent_required
def session_list(request: HttpRequest) -> HttpResponse:
    filters = Filters.from_query(request.GET)
    page, rows = _page(request, filters)
    agents = (
        get_user_model().objects.filter(magic_links__sessions__isnull=False).distinct().order_by("username")
    )
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "agents": agents,
        "links": MagicLink.objects.filter(sessions__isnull=False).distinct().order_by("-created_at")[:50],
        "live_count": RecordingSession.objects.filter(state=SessionState.LIVE).count(),
        "states": SessionState.choices,
        "now": timezone.now(),
    }
    return with_agent_headers(render(request, "recordings/list.html", context))


@agent_required
def session_rows(request: HttpRequest) -> JsonResponse:
    """The current rows of the list's query, rendered: the page swaps them in when they change."""
    filters = Filters.from_query(request.GET)
    page, rows = _page(request, filters)
    html = render_to_string("recordings/_rows.html", {"rows": rows, "filters": filters}, request=request)
    live = RecordingSession.objects.filter(state=SessionState.LIVE).count()
    return with_agent_headers(JsonResponse({"html": html, "live": live, "count": page.paginator.count}))
