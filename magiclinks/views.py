"""The customer's side: GET shows the consent page, POST accepts or declines. Thin: services decide.

Every answer here (the page, the 410, the 429) is private, uncacheable and unindexable, sends no
Referer onwards (the token is in our URL), and allows no inline script.
"""

import logging
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

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


def _harden(response: HttpResponse, *, form_target: str | None = None) -> HttpResponse:
    # Chrome applies form-action to the redirect after a POST too, so the target's origin is allowed.
    form_action = "'self'" + (f" {form_target}" if form_target else "")
    response.headers["Content-Security-Policy"] = CSP.format(form_action=form_action)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def gone(request: HttpRequest) -> HttpResponse:
    """One page for unknown, expired, used and revoked links: the answer must not say which."""
    return _harden(render(request, "magiclinks/gone.html", status=410))


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "magiclinks/too_many.html", status=429)
    response.headers["Retry-After"] = "60"
    return _harden(response)


def client_info(request: HttpRequest) -> services.ClientInfo:
    return services.ClientInfo(
        ip=audit.client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )


def _cross_site(request: HttpRequest) -> bool:
    """A POST that a browser says came from another site (a form auto-submitted elsewhere)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    # "null" is what browsers send from a page with Referrer-Policy: no-referrer, i.e. our own page.
    return bool(origin) and origin != "null" and origin_of(origin) != origin_of(request.build_absolute_uri())


# Django's CSRF check cannot work here: our own no-referrer policy makes browsers send `Origin: null`,
# which it rejects. The token in the URL is the secret; Sec-Fetch-Site/Origin stop cross-site posts.
@method_decorator(csrf_exempt, name="dispatch")
class ConsentView(View):
    http_method_names = ["get", "post"]

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

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if _cross_site(request):
            return _harden(HttpResponse("Cross-site request refused.", status=403, content_type="text/plain"))
        shown = request.POST.get("notice_sha256") or None
        client = client_info(request)
        try:
            if request.POST.get("choice") == "decline":
                services.decline(token, shown_notice_sha256=shown, client=client)
                return _harden(render(request, "magiclinks/declined.html"))
            accepted = services.accept(token, shown_notice_sha256=shown, client=client)
        except services.LinkUnavailable:
            return gone(request)
        except services.NoticeChanged:
            # The link or the settings changed since the page was shown: show the new notice, record nothing.
            return self.get(request, token, changed=True)
        return _harden(HttpResponseRedirect(accepted.redirect_url))

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
        return _harden(response, form_target=origin_of(link.target_url))
