"""Admin for links: create (token shown once), list with status, revoke. Other models: admin_records.py.

Creating a link needs `magiclinks.add_magiclink` (the "Support agent" group or a superuser); plain staff
do not see links at all. The token never goes through the session or the messages framework (both are
stored in the database): the add view answers with the once-shown page directly.
"""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.db.models import Count, F, Q, URLField
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

# admin_records and admin_agents register the other models (records, API tokens, users).
from supportreplay import audit

from . import admin_agents, admin_records, services  # noqa: F401
from .forms import MagicLinkForm
from .models import LinkStatus, MagicLink

TOKEN_ATTR = "_sr_new_link_token"


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return LinkStatus.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        not_used = Q(sessions_used__lt=F("max_sessions"))
        filters = {
            LinkStatus.REVOKED: Q(revoked_at__isnull=False),
            LinkStatus.USED: Q(revoked_at__isnull=True) & ~not_used,
            LinkStatus.EXPIRED: Q(revoked_at__isnull=True, expires_at__lte=now) & not_used,
            LinkStatus.ACTIVE: Q(revoked_at__isnull=True, expires_at__gt=now) & not_used,
        }
        return queryset.filter(filters[self.value()]) if self.value() in filters else queryset


def status_badge(status: str):
    return format_html('<span class="sr-badge sr-badge-{}">{}</span>', status, LinkStatus(status).label)


# The capture options, the same on the add and the change form.
CAPTURE_FIELDSET = (
    "What to record",
    {
        "fields": [
            "capture_console",
            "capture_network",
            "capture_network_bodies",
            "mask_all_text",
            "capture_assets",
        ]
    },
)


@admin.register(MagicLink)
class MagicLinkAdmin(admin.ModelAdmin):
    form = MagicLinkForm
    list_display = [
        "label",
        "status_column",
        "customer",
        "ticket",
        "agent",
        "expires_at",
        "sessions_column",
    ]
    list_display_links = ["label"]
    list_filter = [StatusFilter, ("created_by", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["customer_name", "customer_email", "ticket_ref", "note", "token_last4", "target_url"]
    actions = ["revoke_selected"]
    list_per_page = 50
    add_fieldsets = [
        ("Customer", {"fields": [("customer_name", "customer_email"), ("ticket_ref", "ticket_url")]}),
        ("Where to and why", {"fields": ["target_url", "note"]}),
        CAPTURE_FIELDSET,
        ("Validity", {"fields": [("expires_in", "max_sessions")]}),
    ]
    change_fieldsets = [
        (None, {"fields": ["status_column", "label", "agent", "created_at", "expires_at", "revoked_at"]}),
        ("Customer", {"fields": ["customer_name", "customer_email", "ticket"]}),
        ("Where to and why", {"fields": ["target_url", "note"]}),
        CAPTURE_FIELDSET,
        ("Sessions", {"fields": ["sessions_column", "sessions_overview", "consents_overview"]}),
    ]

    class Media:
        css = {"all": ["magiclinks/admin.css"]}
        js = ["magiclinks/admin.js"]

    # --- list ----------------------------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("created_by").annotate(_sessions=Count("sessions"))
        )

    @admin.display(description="link", ordering="-created_at")
    def label(self, obj: MagicLink) -> str:
        return format_html(
            '<span class="sr-mono">…{}</span> <span class="sr-dim">{}</span>',
            obj.token_last4,
            urlsplit(obj.target_url).netloc,
        )

    @admin.display(description="status")
    def status_column(self, obj: MagicLink):
        return status_badge(obj.status)

    @admin.display(description="customer", ordering="customer_name")
    def customer(self, obj: MagicLink):
        if obj.customer_name and obj.customer_email:
            return format_html('{}<br><span class="sr-dim">{}</span>', obj.customer_name, obj.customer_email)
        return obj.customer_name or obj.customer_email or "—"

    @admin.display(description="ticket", ordering="ticket_ref")
    def ticket(self, obj: MagicLink):
        if obj.ticket_url:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
                obj.ticket_url,
                obj.ticket_ref or "open",
            )
        return obj.ticket_ref or "—"

    @admin.display(description="agent", ordering="created_by__username")
    def agent(self, obj: MagicLink) -> str:
        return obj.created_by.get_full_name() or obj.created_by.get_username()

    @admin.display(description="sessions")
    def sessions_column(self, obj: MagicLink) -> str:
        return f"{obj.sessions_used} / {obj.max_sessions}"

    @admin.display(description="recordings")
    def sessions_overview(self, obj: MagicLink):
        sessions = obj.sessions.order_by("-started_at")[:20]
        if not sessions:
            return "None yet."
        rows = (
            (
                reverse("recordings:live" if s.is_live else "recordings:replay", args=[s.id]),
                "Watch live" if s.is_live else "Replay",
                s.get_state_display(),
                s.started_at.strftime("%Y-%m-%d %H:%M"),
            )
            for s in sessions
        )
        return format_html(
            '<ul class="sr-sessions">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a> · {} · started {}</li>', rows),
        )

    @admin.display(description="consent records")
    def consents_overview(self, obj: MagicLink):
        consents = obj.consents.all()[:20]
        if not consents:
            return "None yet."
        rows = (
            (c.get_decision_display(), c.decided_at.strftime("%Y-%m-%d %H:%M"), c.notice_sha256[:12])
            for c in consents
        )
        return format_html(
            '<ul class="sr-sessions">{}</ul>',
            format_html_join("", '<li>{} at {} · notice <span class="sr-mono">{}…</span></li>', rows),
        )

    # --- add: the token is shown once ----------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {"title": "New customer link", **(extra_context or {})})

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A link is immutable once sent: the customer's consent covers what they were shown.
        return [
            f
            for fieldset in self.change_fieldsets
            for row in fieldset[1]["fields"]
            for f in (row if isinstance(row, tuple) else (row,))
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.site_origin = f"{request.scheme}://{request.get_host()}"
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return  # read-only once created; revoking has its own action
        token = services.issue_link(
            obj,
            request.user,
            expires_in=form.cleaned_data["expires_in"],
            site_origin=form.site_origin,
            ip=audit.client_ip(request),
        )
        setattr(request, TOKEN_ATTR, token)

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, TOKEN_ATTR, None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Link created",
            "link": obj,
            "url": services.link_url(token, services.public_base(request)),
            "status": status_badge(obj.status),
            "agent": self.agent(obj),
        }
        response = TemplateResponse(request, "admin/magiclinks/magiclink/created.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    # --- change: read-only, plus revoke --------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            "title": "Customer link",
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        revoke = path(
            "<path:object_id>/revoke/",
            self.admin_site.admin_view(self.revoke_view),
            name="magiclinks_magiclink_revoke",
        )
        return [revoke, *super().get_urls()]

    def revoke_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        link = get_object_or_404(MagicLink, pk=object_id)
        if not self.has_change_permission(request, link):
            return HttpResponseRedirect(reverse("admin:index"))
        self._revoke(request, [link])
        return HttpResponseRedirect(reverse("admin:magiclinks_magiclink_change", args=[link.pk]))

    @admin.action(description="Revoke selected links (ends their live sessions)", permissions=["change"])
    def revoke_selected(self, request, queryset):
        self._revoke(request, list(queryset))

    def _revoke(self, request, links) -> None:
        ip = audit.client_ip(request)
        done = sum(services.revoke_link(link, request.user, ip=ip) for link in links)
        if done:
            self.message_user(request, f"Revoked {done} link{'s' if done != 1 else ''}.", messages.SUCCESS)
        if done < len(links):
            self.message_user(request, f"{len(links) - done} were revoked already.", messages.WARNING)
