"""The consent URL (`/l/<token>`): magiclinks' page for GET, accept or decline on POST. Thin: services decide.

The POST is here, not in magiclinks, because accepting opens a recording (supportreplay.consent).
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

from magiclinks import services as links
from magiclinks.views import ConsentPage, client_info, cross_site, gone, harden

from . import consent


# Django's CSRF check cannot work here: our own no-referrer policy makes browsers send `Origin: null`,
# which it rejects. The token in the URL is the secret; Sec-Fetch-Site/Origin stop cross-site posts.
@method_decorator(csrf_exempt, name="dispatch")
class ConsentView(ConsentPage):
    http_method_names = ["get", "post"]

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if cross_site(request):
            return harden(HttpResponse("Cross-site request refused.", status=403, content_type="text/plain"))
        shown = request.POST.get("notice_sha256") or None
        client = client_info(request)
        try:
            if request.POST.get("choice") == "decline":
                links.decline(token, shown_notice_sha256=shown, client=client)
                return harden(render(request, "magiclinks/declined.html"))
            accepted = consent.accept(token, shown_notice_sha256=shown, client=client)
        except links.LinkUnavailable:
            return gone(request)
        except links.NoticeChanged:
            # The link or the settings changed since the page was shown: show the new notice, record nothing.
            return self.get(request, token, changed=True)
        return harden(HttpResponseRedirect(accepted.redirect_url))
