"""A hostile page for privacy tests: it echoes whatever is typed everywhere an app can.

Like an API explorer or a search page, "Send" puts the typed value into page text (plain, split across
two text nodes and across two highlighted spans, percent-encoded, JSON, HTML-escaped, a curl command),
attributes (title, alt, placeholder, aria-label, data-*, href, src, a hidden input's value), the URL
(pushState with a query and a fragment), the title, the console, a request (query, header, body) whose
answer echoes it again (header and body), and an uncaught error. Rows persist in sessionStorage, so a
reload snapshots them all.
tests/e2e/test_privacy_echo.py types every kind of secret into it; nothing here stores anything.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .demo import _page

ECHO_HEADER = "X-Request-Id"


@require_GET
def echo_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "demo/echo.html", page="echo")


@csrf_exempt  # stateless: it only answers with what it was sent
@require_http_methods(["GET", "POST"])
def echo_api(request: HttpRequest) -> JsonResponse:
    """Answers with the query, the echo header and the form body it got, and echoes the header back."""
    value = request.GET.get("q", "")
    response = JsonResponse(
        {"q": value, "header": request.headers.get(ECHO_HEADER, ""), "form": request.POST.get("q", "")}
    )
    # Header values must be Latin-1 and one line: what a real API would do with an odd value.
    echoed = request.headers.get(ECHO_HEADER, "")
    if echoed.isascii() and "\n" not in echoed and "\r" not in echoed:
        response[ECHO_HEADER] = echoed
    return response
