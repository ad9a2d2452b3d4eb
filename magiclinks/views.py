"""The customer's side: the consent page (GET) and the answers every consent response shares.

The POST (accept or decline) is supportreplay.consent_view.ConsentView, a subclass of ConsentPage: accepting
opens a recording, which magiclinks does not know about.

Every answer here (the page, the 410, the 429) is private, uncacheable and unindexable, sends no
Referer onwards (the token is in our URL), and allows no inline script.
"""

import logging
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from supportreplay import audit
from supportreplay.targets import origin_of

from . import services
from .agents import has_display_name
from .notice import agent_display_name, render_notice
from .ratelimit import allow_link_request

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; frame-ancestors 'none'; form-action {form_action}"
)


def harden(response: HttpResponse, *, form_target: str | None = None) -> HttpResponse:
    # Chrome applies form-action to the redirect after a POST too, so the target's origin is allowed.
    form_action = "'self'" + (f" {form_target}" if form_target else "")
    response.headers["Content-Security-Policy"] = CSP.format(form_action=form_action)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def gone(request: HttpRequest) -> HttpResponse:
    """One page for unknown, expired, used and revoked links: the answer must not say which."""
    return harden(render(request, "magiclinks/gone.html", status=410))


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "magiclinks/too_many.html", status=429)
    response.headers["Retry-After"] = "60"
    return harden(response)


def client_info(request: HttpRequest) -> services.ClientInfo:
    return services.ClientInfo(
        ip=audit.client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )


def cross_site(request: HttpRequest) -> bool:
    """A POST that a browser says came from another site (a form auto-submitted elsewhere)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    # "null" is what browsers send from a page with Referrer-Policy: no-referrer, i.e. our own page.
    return bool(origin) and origin != "null" and origin_of(origin) != origin_of(request.build_absolute_uri())


class ConsentPage(View):
    http_method_names = ["get"]

    def dispatch(self, request: HttpRequest, token: str) -> HttpResponse:
        if not allow_link_request(audit.client_ip(request)):
            return too_many(request)
        return super().dispatch(request, token)

    def get(self, request: HttpRequest, token: str, *, changed: bool = False) -> HttpResponse:
        try:
            link = services.find_usable_link(token)
        except services.LinkUnavailable:
            return gone(request)
        return self._page(request, link, changed=changed)

    def _page(self, request: HttpRequest, link, *, changed: bool = False) -> HttpResponse:
        context = {
            "link": link,
            "notice": render_notice(link),
            "agent_name": agent_display_name(link),
            "agent_named": has_display_name(link.created_by),
            "site": urlsplit(link.target_url).netloc,
            "changed": changed,
        }
        response = render(request, "magiclinks/consent.html", context)
        return harden(response, form_target=origin_of(link.target_url))
