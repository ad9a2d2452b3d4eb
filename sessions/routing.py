"""Websocket routes of recordings: the customer's ingest socket and the agents' watch socket."""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from .consumers.ingest import IngestConsumer
from .consumers.watch import WatchConsumer

websocket_urlpatterns: list = [
    # No AllowedHostsOriginValidator: the customer's page is another site; IngestConsumer checks the
    # Origin against the link targets itself (docs/PROTOCOL.md).
    path("ws/ingest/", IngestConsumer.as_asgi()),
    path(
        "ws/watch/<uuid:session_id>/",
        AllowedHostsOriginValidator(AuthMiddlewareStack(WatchConsumer.as_asgi())),
    ),
]
