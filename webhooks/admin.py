"""Admin for webhook endpoints (secret write-only, last 4 shown) and a read-only log of deliveries."""

from django import forms
from django.contrib import admin

from .models import Event, WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        max_length=500, assume_scheme="https", help_text="http(s) URL that receives a POST per event."
    )
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text="Shared secret for the X-SupportReplay-Signature header (HMAC-SHA256). Leave empty to keep "
        "the current one. Slack ignores it.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "format", "events", "secret", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Use an http:// or https:// URL.")
        return url

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret") or ""
        return secret or (self.instance.secret if self.instance.pk else "")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "format", "event_list", "secret_hint", "active"]
    list_filter = ["active", "format"]
    readonly_fields = ["secret_hint", "created_by", "created_at"]

    @admin.display(description="Events")
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.events)

    @admin.display(description="Secret")
    def secret_hint(self, obj: WebhookEndpoint) -> str:
        return obj.secret_hint

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "endpoint", "status", "attempts", "response_status", "error"]
    list_filter = ["status", "event", "endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
