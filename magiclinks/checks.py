"""System checks: refuse link settings that would silently break links or weaken them in production."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register

from supportreplay.targets import origin_of


@register()
def check_link_settings(app_configs=None, **kwargs) -> list:
    problems = []
    for entry in settings.SUPPORTREPLAY_ALLOWED_ORIGINS:
        parts = urlsplit(entry)
        if origin_of(entry) is None or parts.path not in ("", "/") or parts.query or parts.fragment:
            problems.append(
                Error(
                    f"SUPPORTREPLAY_ALLOWED_ORIGINS entry {entry!r} is not an origin.",
                    hint="Write scheme://host[:port], e.g. https://shop.example, without a path.",
                    id="magiclinks.E001",
                )
            )
    public = settings.SUPPORTREPLAY_PUBLIC_URL
    if public and origin_of(public) is None:
        problems.append(Error("SUPPORTREPLAY_PUBLIC_URL must be an http(s) URL.", id="magiclinks.E002"))
    if not settings.DEBUG:
        if not public:
            problems.append(
                Warning(
                    "SUPPORTREPLAY_PUBLIC_URL is not set: link URLs come from the request's Host header.",
                    hint="Set it to the address customers reach, e.g. https://support.example.",
                    id="magiclinks.W001",
                )
            )
        elif urlsplit(public).scheme != "https":
            problems.append(
                Warning(
                    "SUPPORTREPLAY_PUBLIC_URL is not https: link tokens would travel in clear text.",
                    id="magiclinks.W002",
                )
            )
    return problems
