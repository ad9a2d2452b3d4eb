"""All websocket routes of the product."""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from sessions.routing import websocket_urlpatterns as session_routes

from .consumers import HealthConsumer

websocket_urlpatterns = [
    path("ws/health/", AllowedHostsOriginValidator(AuthMiddlewareStack(HealthConsumer.as_asgi()))),
    *session_routes,
]
