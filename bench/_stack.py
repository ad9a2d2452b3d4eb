"""Process helpers the benchmarks share: a free port, a bench environment, a daphne that is listening."""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.localredis import start_private  # noqa: E402
from supportreplay.web import daphne_command  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_redis(url: str = "") -> tuple[str, bool]:
    """The bench's Redis URL and whether the bench owns it (and so may flush it).

    With no `url`, a private redis-server on a free port, stopped when the bench exits: a benchmark never
    empties a Redis database somebody else uses. A given `url` is shared: nothing in it is flushed.
    """
    if url:
        return url, False
    url, proc = start_private()
    atexit.register(proc.terminate)
    return url, True


def bench_env(database: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a bench server and of the bench itself: its own SQLite file under var/."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "supportreplay.settings",
        "DATABASE_URL": f"sqlite:///{ROOT / 'var' / database}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        # Every simulated customer connects from 127.0.0.1: the per-address cap on sockets still waiting
        # for hello would measure the loopback, not N customers (bench/abuse.py keeps the product's cap).
        "SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP": "0",
        **extra,
        "PYTHONUNBUFFERED": "1",
    }


def spawn_daphne(
    port: int,
    env: dict[str, str],
    *,
    stdout: int | IO[bytes] = subprocess.DEVNULL,
    profile: str = "",
) -> subprocess.Popen:
    """A daphne on 127.0.0.1:`port`, returned once it accepts connections (RuntimeError if it never does)."""
    # The production command line (supportreplay.web), so benchmarks measure what deployments run.
    command = daphne_command("127.0.0.1", port, env)
    if profile:
        command = [sys.executable, "-m", "cProfile", "-o", profile, *command]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne on port {port} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("daphne did not start")


def cpu_seconds(pid: int) -> float:
    """user + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
