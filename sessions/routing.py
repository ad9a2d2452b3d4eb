"""Websocket routes of recordings: the customer's ingest socket and the agents' watch socket."""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from .consumers.watch import WatchConsumer

websocket_urlpatterns: list = [
    path(
        "ws/watch/<uuid:session_id>/",
        AllowedHostsOriginValidator(AuthMiddlewareStack(WatchConsumer.as_asgi())),
    ),
]
