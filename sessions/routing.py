"""Websocket routes of recordings: the customer's ingest socket and the agents' watch socket."""

websocket_urlpatterns: list = []
