"""How a daphne web process is started: the one definition used by the Procfile, the systemd unit, the
Docker image, `make run` (scripts/run.py) and the tests' process helpers.

    python -m supportreplay.web            # binds WEB_HOST:PORT (127.0.0.1:8000 by default)

- Binds to 127.0.0.1 unless WEB_HOST says otherwise: in production only the proxy may reach daphne.
- No daphne access log: /l/<token> paths carry secrets (the proxy logs a masked path instead).
- No `--proxy-headers`: daphne would take the *leftmost* X-Forwarded-For hop, which any client can write.
  The client address is worked out by supportreplay.clientip from TRUSTED_PROXIES instead.
- The websocket caps sit at twice SUPPORTREPLAY_MAX_FRAME_BYTES, so a frame just over the product's
  limit reaches the consumer and gets a clear 4413 instead of a dropped connection.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_FRAME_BYTES = 1024 * 1024
APPLICATION = "supportreplay.asgi:application"


def daphne_command(
    host: str | None = None, port: int | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """The daphne command line; host and port default to WEB_HOST / PORT from `environ`."""
    environ = os.environ if environ is None else environ
    host = host or environ.get("WEB_HOST") or DEFAULT_HOST
    port = port or int(environ.get("PORT") or DEFAULT_PORT)
    cap = str(2 * int(environ.get("SUPPORTREPLAY_MAX_FRAME_BYTES") or DEFAULT_FRAME_BYTES))
    return [
        str(Path(sys.executable).parent / "daphne"),
        "-b",
        host,
        "-p",
        str(port),
        "--access-log",
        os.devnull,
        "--websocket-max-message-size",
        cap,
        "--websocket-max-frame-size",
        cap,
        APPLICATION,
    ]


def main() -> None:
    import environ

    # The same optional .env as settings.py, so PORT / WEB_HOST there apply to daphne too.
    dotenv = Path(__file__).resolve().parent.parent / ".env"
    if dotenv.exists():
        environ.Env.read_env(dotenv, overwrite=False)
    command = daphne_command()
    os.execv(command[0], command)  # noqa: S606 (a fixed argv, no shell)


if __name__ == "__main__":
    main()
