"""A real S3-compatible server for tests: `moto_server` (from PyPI's moto[server]) in its own process on a
free port, behind a TCP proxy that counts the bytes the server sent, so a test can tell a range read from
a whole-object download."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

from tests.helpers.processes import BIN, Proc, _log_file, free_port

ACCESS_KEY = "test-access-key"  # moto accepts any credentials
SECRET_KEY = "test-secret-key"


class CountingProxy:
    """Forwards 127.0.0.1:<port> to `target_port`; `received` counts the bytes the target sent back."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = 0
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, count: bool) -> None:
        try:
            while data := source.recv(65536):
                if count:
                    with self._lock:
                        self.received += len(data)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def reset(self) -> None:
        with self._lock:
            self.received = 0

    def close(self) -> None:
        self._closed = True
        self.listener.close()


@contextlib.contextmanager
def moto_s3() -> Iterator[CountingProxy]:
    """A moto S3 server process; yields the counting proxy in front of it (its `port` is the endpoint)."""
    port = free_port()
    log = _log_file("moto")
    popen = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    proc = Proc(popen, port, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start:\n{proc.log()}") from None
                time.sleep(0.1)
        proxy = CountingProxy(port)
        try:
            yield proxy
        finally:
            proxy.close()
    finally:
        proc.stop()


def storage_settings(endpoint: str, bucket: str) -> dict:
    """STORAGES for django-storages' S3Storage against `endpoint` (what STORAGE_BACKEND=s3 configures)."""
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "addressing_style": "path",
                "file_overwrite": True,
                "default_acl": "private",
                "location": "archives",
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
