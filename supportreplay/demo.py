"""The demo shop under /demo/: a realistic customer app that includes the loader.

`make run` shows the whole product with it, and the end-to-end tests drive it: a product list, a cart
reached by a client-side route change, a checkout form (a normal page load) whose "Pay" call answers 500,
a button that throws, and console output. Nothing here stores anything.
"""

import asyncio

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

PRODUCTS = [
    {"sku": "espresso", "name": "Espresso beans", "note": "Dark roast · 500 g", "price": 14.5, "hue": 20},
    {"sku": "filter", "name": "Filter blend", "note": "Light roast · 500 g", "price": 12.0, "hue": 35},
    {"sku": "grinder", "name": "Hand grinder", "note": "Ceramic burrs", "price": 49.0, "hue": 210},
    {"sku": "kettle", "name": "Pour-over kettle", "note": "Gooseneck · 1 l", "price": 39.0, "hue": 190},
    {"sku": "mug", "name": "Stoneware mug", "note": "350 ml", "price": 9.5, "hue": 280},
    {"sku": "scale", "name": "Brew scale", "note": "0.1 g precision", "price": 29.0, "hue": 140},
]


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    # Like a customer's app, the shop loads the loader from the support server: SUPPORTREPLAY_PUBLIC_URL
    # when the support server lives elsewhere, else this very server.
    support = settings.SUPPORTREPLAY_PUBLIC_URL.rstrip("/")
    return render(request, template, {"loader_src": support + static("recorder/loader.js"), **context})


@require_GET
def shop(request: HttpRequest) -> HttpResponse:
    """Product list; /demo/cart is the same page with the cart open (the client-side route)."""
    return _page(request, "demo/shop.html", products=PRODUCTS, page="shop")


@require_GET
def checkout(request: HttpRequest) -> HttpResponse:
    return _page(request, "demo/checkout.html", page="checkout")


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(request.GET.get(name, default))))
    except ValueError:
        return default


@require_GET
def stress(request: HttpRequest) -> HttpResponse:
    """A mutation-heavy page for bench/recorder_overhead.py (not linked from the shop)."""
    return _page(
        request,
        "demo/stress.html",
        rows=_int(request, "rows", 60, 1, 400),
        cols=_int(request, "cols", 12, 1, 40),
        interval=_int(request, "interval", 250, 10, 5000),
        seconds=_int(request, "seconds", 20, 1, 600),
        work=_int(request, "work", 60, 0, 1000),
        changes=_int(request, "changes", 100, 0, 10000),
    )


@require_GET
def fidelity(request: HttpRequest) -> HttpResponse:
    """Form controls, a dialog and a popover (tests/e2e/test_fidelity_*.py, bench/fidelity.py).

    `?filler=KB` adds that many kilobytes of text, for snapshots larger than one websocket frame;
    `?inflight=1` starts a slow request before the recorder loads; `?embed=1` adds a cross-origin iframe.
    """
    kilobytes = _int(request, "filler", 0, 0, 8192)
    line = "Brewing notes: bloom for thirty seconds, pour in slow circles, and taste before adjusting. " * 10
    filler = [f"{i:06d} {line}" for i in range(kilobytes * 1024 // (len(line) + 7))]
    inflight = request.GET.get("inflight") == "1"
    embed_src = ""
    if request.GET.get("embed") == "1":
        # The same demo, but from another origin (the other loopback name): a cross-origin iframe.
        other = "localhost" if request.get_host().startswith("127.0.0.1") else "127.0.0.1"
        embed_src = f"{request.scheme}://{other}:{request.get_port()}/demo/"
    return _page(
        request, "demo/fidelity.html", page="fidelity", filler=filler, inflight=inflight, embed_src=embed_src
    )


@require_GET
async def slow_api(request: HttpRequest) -> JsonResponse:
    """Answers after `ms` milliseconds (at most 3000): a request still in flight when the recorder starts."""
    await asyncio.sleep(_int(request, "ms", 1000, 0, 3000) / 1000)
    return JsonResponse({"slow": True})


@require_GET
def products_api(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"products": [{"sku": p["sku"], "stock": 3 + i * 2} for i, p in enumerate(PRODUCTS)]})


@csrf_exempt  # A stateless fake payment endpoint: there is nothing to forge.
@require_POST
def pay_api(request: HttpRequest) -> JsonResponse:
    """Fails, so a support agent has a failed request to find in the replay. The reproduction-test round
    trip (tests/e2e/test_repro_playwright.py) turns the bug off with SUPPORTREPLAY_DEMO_PAYMENTS_WORK."""
    if getattr(settings, "SUPPORTREPLAY_DEMO_PAYMENTS_WORK", False):
        return JsonResponse({"status": "paid"})
    return JsonResponse(
        {"error": "payment_provider_unavailable", "message": "The payment provider did not answer."},
        status=500,
    )


urlpatterns = [
    path("", shop, name="demo-shop"),
    path("cart", shop, name="demo-cart"),
    path("checkout", checkout, name="demo-checkout"),
    path("stress", stress, name="demo-stress"),
    path("fidelity", fidelity, name="demo-fidelity"),
    path("api/slow", slow_api, name="demo-slow"),
    path("api/products", products_api, name="demo-products"),
    path("api/pay", pay_api, name="demo-pay"),
]


def _echo_urls() -> list:
    # The hostile echo page for privacy tests lives in its own module (supportreplay/demo_echo.py).
    from .demo_echo import echo_api, echo_page

    return [path("echo", echo_page, name="demo-echo"), path("api/echo", echo_api, name="demo-echo-api")]


urlpatterns += _echo_urls()
