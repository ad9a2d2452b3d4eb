"""The last websocket route: any path no other route matched.

Without it Channels' URLRouter raises, and daphne answers the handshake with HTTP 500 and an ERROR
traceback in the log. A scanner probing /ws/anything is not a server error: accept, then close with
4404 (the websocket spelling of "not found"), and log nothing above DEBUG.
"""

import logging

from channels.generic.websocket import AsyncWebsocketConsumer

log = logging.getLogger(__name__)
NOT_FOUND = 4404


class UnknownPathConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        log.debug("websocket to an unknown path closed with %d", NOT_FOUND)
        await self.accept()
        await self.close(code=NOT_FOUND)
