"""Make sure a Redis answers: the one on REDIS_URL, or a private redis-server started on a free port.

Used by `make run` (scripts/run.py) and `make test` (scripts/test.py). Installs Debian's redis-server
when it is missing and we are root; otherwise says exactly what to install.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse


def answers(url: str, timeout: float = 1.0) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("redis-server is missing: installing Debian's package redis-server ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "redis-server"], check=True
        )
        return "/usr/bin/redis-server"
    sys.exit(
        "No Redis answers on REDIS_URL and redis-server is not installed.\n"
        "Install it with:  sudo apt-get install -y redis-server   (or point REDIS_URL at a Redis)"
    )


def start_private(port: int | None = None, appendonly: bool = False) -> tuple[str, subprocess.Popen]:
    """Start a redis-server owned by the caller; returns its URL and process."""
    port = port or free_port()
    workdir = tempfile.mkdtemp(prefix="sr-redis-")
    args = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir]
    args += ["--appendonly", "yes", "--appendfsync", "everysec"] if appendonly else ["--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not answers(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"redis-server on port {port} did not start")
        time.sleep(0.05)
    return url, proc


def ensure(url: str) -> tuple[str, subprocess.Popen | None]:
    """Return a URL that answers, starting a private server (same db number) when `url` does not."""
    if answers(url):
        return url, None
    print(f"No Redis answers on {url}: starting a private redis-server.", flush=True)
    private_url, proc = start_private()
    db = urlparse(url).path.lstrip("/") or "0"
    return private_url.rsplit("/", 1)[0] + f"/{db}", proc
