"""Real processes for tests: daphne and Celery workers on the test database and test Redis.

Each process is started on a free port, waited for, and always stopped (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from supportreplay.web import daphne_command

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child that must see what the test sees: test DB, test Redis, test settings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SR_USE_TEST_DB": "1",
        "TEST_REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }
    if connection.vendor != "sqlite":
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "")
    env.update(extra)
    return env


@dataclass
class Proc:
    popen: subprocess.Popen
    port: int | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            self.popen.wait(15)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def _log_file(name: str) -> Path:
    path = ROOT / "var" / "test-logs" / f"{name}-{os.getpid()}-{time.monotonic_ns()}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def spawn_daphne(port: int | None = None, **env: str) -> Proc:
    port = port or free_port()
    log = _log_file("daphne")
    child = child_env(**env)
    child.setdefault("SUPPORTREPLAY_MAX_FRAME_BYTES", str(settings.SUPPORTREPLAY_MAX_FRAME_BYTES))
    popen = subprocess.Popen(
        daphne_command("127.0.0.1", port, child),
        cwd=ROOT,
        env=child,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    proc = Proc(popen, port, log)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if popen.poll() is not None or time.monotonic() > deadline:
                proc.stop()
                raise RuntimeError(f"daphne did not start:\n{proc.log()}") from None
            time.sleep(0.1)


def spawn_celery_worker(name: str = "test", **env: str) -> Proc:
    log = _log_file("celery")
    popen = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "supportreplay",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=child_env(**env),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    proc = Proc(popen, None, log)
    deadline = time.monotonic() + 60
    while "ready." not in proc.log():
        if popen.poll() is not None or time.monotonic() > deadline:
            proc.stop()
            raise RuntimeError(f"celery worker did not start:\n{proc.log()}")
        time.sleep(0.1)
    return proc


@contextlib.contextmanager
def daphne(**env: str) -> Iterator[Proc]:
    proc = spawn_daphne(**env)
    try:
        yield proc
    finally:
        proc.stop()


@contextlib.contextmanager
def celery_worker(**env: str) -> Iterator[Proc]:
    proc = spawn_celery_worker(**env)
    try:
        yield proc
    finally:
        proc.stop()
