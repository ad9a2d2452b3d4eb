"""All websocket routes of the product."""

from channels.auth import AuthMiddlewareStack
from django.urls import path, re_path

from sessions.routing import websocket_urlpatterns as session_routes

from .consumers import HealthConsumer
from .origins import SameOriginValidator
from .ws_fallback import UnknownPathConsumer

websocket_urlpatterns = [
    path("ws/health/", SameOriginValidator(AuthMiddlewareStack(HealthConsumer.as_asgi()))),
    *session_routes,
    re_path(r"", UnknownPathConsumer.as_asgi()),  # last: close 4404 instead of an HTTP 500
]
