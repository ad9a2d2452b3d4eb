"""Read-only admin for the records (audit trail, consents) and the API token admin (secret shown once)."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from . import apitokens
from .models import AgentApiToken, AuditEvent, ConsentDecision, ConsentRecord

API_TOKEN_ATTR = "_sr_new_api_token"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records are evidence: nobody edits or deletes them through the admin, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    class Media:
        css = {"all": ["magiclinks/admin.css"]}


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action_badge", "target", "ip_address"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["actor_label", "object_id", "action"]
    date_hierarchy = "at"
    fields = ["at", "actor_label", "action", "object_type", "object_id", "ip_address", "detail"]

    @admin.display(description="actor", ordering="actor_label")
    def actor(self, obj: AuditEvent) -> str:
        return obj.actor_label or "system"

    @admin.display(description="object")
    def target(self, obj: AuditEvent) -> str:
        return f"{obj.object_type} {obj.object_id}".strip() or "—"

    @admin.display(description="action", ordering="action")
    def action_badge(self, obj: AuditEvent):
        return format_html('<span class="sr-badge sr-badge-action">{}</span>', obj.action)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["decided_at", "decision_badge", "link", "ip_address", "notice_version", "notice_short"]
    list_filter = ["decision", "notice_version", "decided_at"]
    search_fields = ["link__customer_name", "link__customer_email", "link__ticket_ref", "notice_sha256"]
    list_select_related = ["link"]
    fields = ["link", "decision", "decided_at", "ip_address", "user_agent", "notice_version", "notice_sha256"]

    @admin.display(description="decision", ordering="decision")
    def decision_badge(self, obj: ConsentRecord):
        kind = "active" if obj.decision == ConsentDecision.ACCEPTED else "expired"
        return format_html('<span class="sr-badge sr-badge-{}">{}</span>', kind, obj.get_decision_display())

    @admin.display(description="notice SHA-256")
    def notice_short(self, obj: ConsentRecord):
        return format_html(
            '<span class="sr-mono" title="{}">{}…</span>', obj.notice_sha256, obj.notice_sha256[:12]
        )


@admin.register(AgentApiToken)
class AgentApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "masked", "created_at", "last_used_at", "state"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "token_last4"]
    list_select_related = ["user"]
    actions = ["revoke_selected"]
    fields = ["user", "name"]

    class Media:
        css = {"all": ["magiclinks/admin.css"]}
        js = ["magiclinks/admin.js"]

    @admin.display(description="token")
    def masked(self, obj: AgentApiToken):
        return format_html('<span class="sr-mono">srk_…{}</span>', obj.token_last4)

    @admin.display(description="state")
    def state(self, obj: AgentApiToken):
        if obj.revoked_at:
            return format_html('<span class="sr-badge sr-badge-revoked">Revoked</span>')
        return format_html('<span class="sr-badge sr-badge-active">Active</span>')

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "name", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        setattr(request, API_TOKEN_ATTR, apitokens.issue_for(obj))

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, API_TOKEN_ATTR, None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API token created",
            "token_obj": obj,
            "secret": secret,
        }
        response = TemplateResponse(request, "admin/magiclinks/agentapitoken/created.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_selected(self, request, queryset):
        done = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {done} token{'s' if done != 1 else ''}.", messages.SUCCESS)
