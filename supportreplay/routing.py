"""All websocket routes of the product."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from sessions.routing import websocket_urlpatterns as session_routes

from .consumers import HealthConsumer
from .origins import SameOriginValidator

websocket_urlpatterns = [
    path("ws/health/", SameOriginValidator(AuthMiddlewareStack(HealthConsumer.as_asgi()))),
    *session_routes,
]
