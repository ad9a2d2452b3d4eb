"""GET/POST /install/: the instructions for this server, and the live check of a URL (agents and admins)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from magiclinks.ratelimit import allow_link_request
from magiclinks.services import public_base
from sessions.permissions import agent_required
from sessions.views import with_agent_headers
from supportreplay.clientip import client_ip
from supportreplay.targets import configured_origins

from . import loadercheck, snippet


@agent_required
def install_page(request: HttpRequest) -> HttpResponse:
    steps = snippet.instructions(public_base(request))
    context = {
        "steps": steps,
        "allowed_origins": sorted(configured_origins()),
        "public_url_set": bool(settings.SUPPORTREPLAY_PUBLIC_URL),
        "debug": settings.DEBUG,
        "check_url": "",
        "result": None,
        "error": "",
        "timeout": loadercheck.TIMEOUT_SECONDS,
        "max_kb": loadercheck.MAX_BYTES // 1024,  # shown as "1024 KB"
    }
    if request.method == "POST":
        url = request.POST.get("url", "").strip()[:2000]
        context["check_url"] = url
        if not allow_link_request(client_ip(request), scope="install-check"):
            context["error"] = "Too many checks in a minute; try again shortly."
        else:
            try:
                ws_origin = steps.ingest_url.removesuffix("/ws/ingest/")
                context["result"] = loadercheck.check(url, steps.loader_url, ws_origin)
            except loadercheck.CheckRefused as exc:
                context["error"] = str(exc)
    return with_agent_headers(render(request, "install.html", context))
