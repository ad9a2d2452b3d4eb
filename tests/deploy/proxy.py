"""The deploy bundle's nginx alone (deploy/nginx/, rendered by deploy/render_nginx.py, per-client-IP limits
included) in front of given upstream ports, with a self-signed certificate. Used by
tests/deploy/test_nginx_limits.py and `bench/abuse.py --via-nginx`.

Clients reach it at wss://support.localhost:<port>/ (Host and SNI), connecting to 127.0.0.1:<port> from
the source address they bind: the loopback answers any 127.x address, so nginx's per-IP zones can see
several clients (127.0.0.1 an attacker, 127.0.0.2 an honest customer), as they would several machines.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.deploy.stack import SERVER_NAME, ensure_nginx, self_signed
from tests.helpers.processes import ROOT, free_port


@dataclass
class Proxy:
    port: int
    proc: subprocess.Popen
    workdir: Path

    def ws_url(self) -> str:
        return f"wss://{SERVER_NAME}:{self.port}"

    def connect_options(self, source: str) -> dict:
        """websockets connect() options reaching the proxy from `source` (TLS context set by the caller:
        an SSLContext does not pickle into the attacker's process)."""
        return {"host": "127.0.0.1", "port": self.port, "local_addr": (source, 0), "proxy": None}

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def client_tls() -> ssl.SSLContext:
    """The bench trusts its own throwaway certificate: no verification."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def start(upstream_ports: list[int]) -> Proxy:
    sys.path.insert(0, str(ROOT / "deploy"))
    from render_nginx import render

    nginx = ensure_nginx()
    workdir = Path(tempfile.mkdtemp(prefix="sr-nginx-"))
    (workdir / "logs").mkdir()
    (workdir / "static").mkdir()
    cert, key = self_signed(workdir)
    https_port, http_port = free_port(), free_port()
    upstream = workdir / "upstream.conf"
    upstream.write_text("".join(f"server 127.0.0.1:{port};\n" for port in upstream_ports))
    site = render(
        {
            "SERVER_NAME": SERVER_NAME,
            "TLS_CERT": str(cert),
            "TLS_KEY": str(key),
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_DIR": str(workdir / "logs"),
            "HTTP_PORT": str(http_port),
            "HTTPS_PORT": str(https_port),
            "UPSTREAM_CONF": str(upstream),
        }
    )
    (workdir / "supportreplay.conf").write_text(site)
    temp = workdir / "temp"
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {workdir}/nginx.pid;\n"
        f"error_log {workdir}/logs/error.log warn;\nevents {{ worker_connections 4096; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {temp}-body; proxy_temp_path {temp}-proxy;\n"
        f"  fastcgi_temp_path {temp}-fcgi; uwsgi_temp_path {temp}-uwsgi; scgi_temp_path {temp}-scgi;\n"
        f"  include {workdir}/supportreplay.conf;\n}}\n"
    )
    proc = subprocess.Popen([nginx, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited: {(workdir / 'logs' / 'error.log').read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            return Proxy(https_port, proc, workdir)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("nginx did not start")
