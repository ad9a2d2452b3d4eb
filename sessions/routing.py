"""Websocket routes of recordings: the customer's ingest socket and the agents' watch socket."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from supportreplay.origins import SameOriginValidator

from .consumers.ingest import IngestConsumer
from .consumers.watch import WatchConsumer

websocket_urlpatterns: list = [
    # No AllowedHostsOriginValidator: the customer's page is another site; IngestConsumer checks the
    # Origin against the link targets itself (docs/PROTOCOL.md).
    path("ws/ingest/", IngestConsumer.as_asgi()),
    path(
        "ws/watch/<uuid:session_id>/",
        # Rides on the agent's session cookie: only a page of this exact origin (supportreplay/origins.py).
        SameOriginValidator(AuthMiddlewareStack(WatchConsumer.as_asgi())),
    ),
]
