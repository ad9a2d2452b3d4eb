"""The admin's "new link" form: model fields plus a choice of validity instead of a raw date."""

from datetime import timedelta

from django import forms
from django.db import models

from supportreplay.targets import validate_target_url

from . import services
from .models import MagicLink

_PRESETS = [
    (timedelta(hours=1), "1 hour"),
    (timedelta(hours=4), "4 hours"),
    (timedelta(hours=24), "24 hours"),
    (timedelta(days=3), "3 days"),
    (timedelta(days=7), "7 days"),
]


def _label(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours % 24 == 0 and hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} hour{'s' if hours != 1 else ''}"


def expiry_choices() -> list[tuple[str, str]]:
    """Presets within the configured maximum, plus the configured default."""
    durations = {d for d, _ in _PRESETS if d <= services.max_expiry()}
    durations.add(min(services.default_expiry(), services.max_expiry()))
    return [(str(int(d.total_seconds())), _label(d)) for d in sorted(durations)]


def https_by_default(db_field, **kwargs):
    """Form fields for model fields; URLs typed without a scheme mean https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class MagicLinkForm(forms.ModelForm):
    expires_in = forms.TypedChoiceField(
        label="Valid for",
        coerce=lambda seconds: timedelta(seconds=int(seconds)),
        help_text="The customer must open the link and accept within this time.",
    )
    site_origin: str | None = None  # set per request by the admin, see MagicLinkAdmin.get_form

    class Meta:
        model = MagicLink
        formfield_callback = https_by_default
        fields = [
            "customer_name",
            "customer_email",
            "ticket_ref",
            "ticket_url",
            "target_url",
            "note",
            "capture_console",
            "capture_network",
            "capture_network_bodies",
            "mask_all_text",
            "capture_assets",
            "max_sessions",
        ]
        labels = {"target_url": "Target URL", "ticket_url": "Ticket URL", "ticket_ref": "Ticket"}
        help_texts = {
            "target_url": "The page of your site the customer should open, e.g. https://shop.example/cart.",
            "note": "Shown to the customer on the consent page. Say why you ask, in one or two sentences.",
            "capture_network_bodies": "Off unless you need request and response contents.",
            "mask_all_text": "Hide every text on the page; support sees only the layout.",
            "max_sessions": "How many times the link can be accepted (usually once).",
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "expires_in" in self.fields:
            self.fields["expires_in"].choices = expiry_choices()
            default = min(services.default_expiry(), services.max_expiry())
            self.fields["expires_in"].initial = str(int(default.total_seconds()))
        if "target_url" in self.fields:
            self.fields["target_url"].widget.attrs.setdefault("placeholder", "https://")
        if "max_sessions" in self.fields:
            self.fields["max_sessions"].widget.attrs.update(min=1, max=services.MAX_SESSIONS_LIMIT)

    def clean_target_url(self) -> str:
        return validate_target_url(self.cleaned_data.get("target_url", ""), self.site_origin)

    def clean_max_sessions(self) -> int:
        value = self.cleaned_data["max_sessions"]
        if not 1 <= value <= services.MAX_SESSIONS_LIMIT:
            raise forms.ValidationError(f"Choose between 1 and {services.MAX_SESSIONS_LIMIT}.")
        return value
