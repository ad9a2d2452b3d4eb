"""The last websocket route: any path no other route matched.

Without it Channels' URLRouter raises, and daphne answers the handshake with HTTP 500 and an ERROR
traceback in the log. A scanner probing /ws/anything is not a server error: accept, then close with
4404 (the websocket spelling of "not found"), and log nothing above DEBUG.
"""

import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import WebsocketDenier

log = logging.getLogger(__name__)
NOT_FOUND = 4404
# A channel-layer alias that is not configured: Channels then gives the consumer no layer. Sockets that
# are only refused need none, and so hold no Redis connection or blocking read while the client lingers
# (a scanner's probes cost no Redis at all).
NO_CHANNEL_LAYER = "none"


class LayerlessDenier(WebsocketDenier):
    """Channels' handshake refusal (HTTP 403) without a channel layer."""

    channel_layer_alias = NO_CHANNEL_LAYER


class UnknownPathConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = NO_CHANNEL_LAYER

    async def connect(self) -> None:
        log.debug("websocket to an unknown path closed with %d", NOT_FOUND)
        await self.accept()
        await self.close(code=NOT_FOUND)
