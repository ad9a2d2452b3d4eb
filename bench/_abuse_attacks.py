"""The attacks of bench/abuse.py (issue #12's findings), each run in its own process by `attack_process`.

Every attack loops until its `stop` time; it counts the frames it sent and the close codes it got. The
connection options carry the attacker's source address (127.0.0.1; the honest customer uses 127.0.0.2)
and, with --via-nginx, the proxy's address and TLS settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time

import msgpack
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

T_NOW = lambda: int(time.time() * 1000)  # noqa: E731


def pack(obj) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


class Attack:
    def __init__(self, ws_url: str, origin: str, creds: list[str], connect_options: dict) -> None:
        self.ws_url, self.origin, self.creds = f"{ws_url}/ws/ingest/", origin, creds
        self.connect_options = connect_options  # proxy address, TLS, the attacker's source address
        self.closes: dict[int, int] = {}
        self.frames = 0
        self.handshakes_refused = 0  # HTTP answers instead of 101 (a proxy's 429/503, daphne's 403)

    def closed(self, code: int) -> None:
        self.closes[code] = self.closes.get(code, 0) + 1

    @contextlib.asynccontextmanager
    async def opened(self):
        """A socket, or None when the handshake was refused or failed (counted)."""
        try:
            ws = await self.socket()
        except InvalidStatus:
            self.handshakes_refused += 1
            self.closed(-1)
            yield None
            return
        except (OSError, TimeoutError, InvalidHandshake, EOFError):
            self.closed(-1)  # could not even connect (or the server dropped the handshake)
            yield None
            return
        try:
            yield ws
        finally:
            await ws.close()

    def socket(self):
        return connect(
            self.ws_url,
            origin=self.origin,
            open_timeout=30,
            max_size=None,
            ping_interval=None,
            **self.connect_options,
        )

    async def hello(self, ws, cred: str, tab: str) -> bool:
        await ws.send(pack({"t": "hello", "cred": cred, "tab": tab, "page": 0}))
        answer = msgpack.unpackb(await asyncio.wait_for(ws.recv(), 30), raw=False)
        return answer.get("t") == "ready"

    async def until_closed(self, ws) -> None:
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass
        self.closed(ws.close_code or 1006)

    # --- the attacks ---------------------------------------------------------------------------------

    async def unauth(self, stop: float) -> None:
        nested = {"type": 3, "timestamp": 1, "data": {"a": [{}] * 999_900}}
        frame = pack({"t": "events", "seq": 0, "events": [nested]})

        async def one() -> None:
            while time.monotonic() < stop:
                started = time.monotonic()
                with contextlib.suppress(OSError, TimeoutError, ConnectionClosed):
                    async with self.opened() as ws:
                        if ws is not None:
                            await ws.send(frame)
                            self.frames += 1
                            await self.until_closed(ws)
                await asyncio.sleep(max(0.0, started + 1.0 - time.monotonic()))  # 1 MB/s each

        await asyncio.gather(*(one() for _ in range(4)))

    async def hellos(self, stop: float) -> None:
        async def one(cred: str, tab: str) -> None:
            try:
                async with self.socket() as ws:
                    self.frames += 1
                    if await self.hello(ws, cred, tab):
                        await asyncio.sleep(1.0)  # hold it open while the rest of the wave arrives
                        self.closed(1000)
            except ConnectionClosed as exc:
                self.closed(exc.rcvd.code if exc.rcvd else 1006)
            except InvalidStatus:
                self.handshakes_refused += 1
                self.closed(-1)  # refused before the websocket opened
            except (OSError, TimeoutError, InvalidHandshake, EOFError):
                self.closed(-1)  # could not even connect (or the server dropped the handshake)

        while time.monotonic() < stop:
            wave = [one(self.creds[0], f"h{i}") for i in range(200)]
            wave += [one(cred, "h") for cred in self.creds[1:31]]
            await asyncio.gather(*wave)

    async def parts(self, stop: float) -> None:
        chunk = secrets.token_bytes(512 * 1024)

        async def one(cred: str, tab: str) -> None:
            seq = 0
            while time.monotonic() < stop:
                with contextlib.suppress(OSError, TimeoutError):
                    async with self.opened() as ws:
                        if ws is None:
                            await asyncio.sleep(0.2)
                            continue
                        if not await self.hello(ws, cred, tab):
                            return
                        reader = asyncio.create_task(self.until_closed(ws))
                        with contextlib.suppress(ConnectionClosed):
                            for i in range(31):  # of 32: never complete
                                part = {"t": "part", "seq": seq, "i": i, "n": 32, "data": chunk}
                                await ws.send(pack(part))
                                self.frames += 1
                                await asyncio.sleep(0.3)  # within the 2 MiB/s socket rate
                            await reader
                        seq += 1

        await asyncio.gather(*(one(cred, "p") for cred in self.creds[:8]))

    async def quota(self, stop: float) -> None:
        """Issue #12 finding 4: one credential, 16 sockets each at the per-socket rate, reconnecting."""
        cred = self.creds[0]

        async def one(tab: str) -> None:
            seq = 0
            while time.monotonic() < stop:
                with contextlib.suppress(OSError, TimeoutError, ConnectionClosed):
                    async with self.opened() as ws:
                        if ws is not None and await self.hello(ws, cred, tab):
                            reader = asyncio.create_task(self.until_closed(ws))
                            while time.monotonic() < stop and not reader.done():
                                text = secrets.token_urlsafe(380_000)  # ~512 KB, incompressible
                                data = {"plugin": "x", "payload": {"t": text}}
                                event = {"type": 6, "timestamp": T_NOW(), "data": data}
                                await ws.send(pack({"t": "events", "seq": seq, "events": [event]}))
                                self.frames += 1
                                seq += 1
                                await asyncio.sleep(0.26)  # ~2 MB/s: the per-socket rate
                            reader.cancel()
                await asyncio.sleep(0.2)

        await asyncio.gather(*(one(f"q{i}") for i in range(16)))


def attack_process(
    name: str, ws_url: str, origin: str, creds: list[str], options: dict, stop_in: float, cpus, out
) -> None:
    """Run one attack in its own process (its own event loop and CPU share, pinned to `cpus` if given),
    so the attacker's own work is not counted in the honest customer's process."""
    if cpus:
        os.sched_setaffinity(0, cpus)
    if options.pop("insecure_tls", False):
        from tests.deploy.proxy import client_tls

        options["ssl"] = client_tls()
    attack = Attack(ws_url, origin, creds, options)
    stop = time.monotonic() + stop_in

    async def main() -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(getattr(attack, name)(stop), stop_in + 40)

    cpu = time.process_time()
    asyncio.run(main())
    closes = {str(k): v for k, v in sorted(attack.closes.items())}
    out.put(
        {
            "frames": attack.frames,
            "closes": closes,
            "handshakes_refused": attack.handshakes_refused,
            "cpu_s": round(time.process_time() - cpu, 1),
        }
    )
