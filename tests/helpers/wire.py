"""The ingest wire format for tests that talk to a real daphne with the `websockets` client."""

import asyncio

import msgpack
from websockets.exceptions import ConnectionClosed

from tests.support.recorder import pack  # noqa: F401  (the one frame encoder)


async def recv(ws, timeout: float = 3) -> dict:
    return msgpack.unpackb(await asyncio.wait_for(ws.recv(), timeout), raw=False)


async def close_code(ws, timeout: float = 3) -> int:
    """Read until the server closes; its close code (1006 when it sent none)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else 1006
