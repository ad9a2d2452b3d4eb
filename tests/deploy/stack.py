"""The deploy/ bundle run as processes on this machine (no Docker engine here): nginx rendered from
deploy/nginx/ with a self-signed certificate, and the Procfile's web (x2), worker and beat lines, on a
private Redis with AOF + noeviction and a fresh database. Everything is started from the bundle's own
files; this module only fills in addresses and ports.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scripts import localredis
from tests.helpers.processes import ROOT, free_port

BIN = Path(sys.executable).parent
SERVER_NAME = "support.localhost"  # Chromium resolves *.localhost to loopback by itself


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def ensure_nginx() -> str:
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        subprocess.run([str(ROOT / "scripts" / "system-deps.sh"), "--proxy"], check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", f"/CN={SERVER_NAME}",
            "-addext", f"subjectAltName=DNS:{SERVER_NAME}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Service:
    name: str
    popen: subprocess.Popen
    log_path: Path
    port: int | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(15)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


@dataclass
class Stack:
    workdir: Path
    env: dict[str, str]
    https_port: int
    http_port: int
    cert: Path
    redis_url: str
    db_path: Path
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"https://{SERVER_NAME}:{self.https_port}"

    @property
    def access_log(self) -> Path:
        return self.workdir / "logs" / "supportreplay-access.log"

    def manage(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, command: str, **extra: str) -> Service:
        log = self.workdir / "logs" / f"{name}.log"
        popen = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=ROOT,
            env={**self.env, **extra},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        service = Service(name, popen, log, int(extra["PORT"]) if "PORT" in extra else None)
        self.services[name] = service
        return service

    def wait_port(self, port: int, service: Service, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if service.popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{service.name} did not listen on {port}:\n{service.log()}") from None
                time.sleep(0.1)

    def request(
        self, method: str, path: str, *, host: str = SERVER_NAME, port: int | None = None, headers=None
    ) -> tuple[int, dict[str, str], bytes]:
        """HTTPS to the proxy on 127.0.0.1 with SNI and Host `host`, trusting only our certificate."""
        context = ssl.create_default_context(cafile=str(self.cert))
        conn = http.client.HTTPSConnection(host, port or self.https_port, timeout=10, context=context)
        conn.sock = context.wrap_socket(
            socket.create_connection(("127.0.0.1", port or self.https_port), 10), server_hostname=host
        )
        try:
            conn.request(
                method, path, headers={"Host": f"{host}:{port or self.https_port}", **(headers or {})}
            )
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def daphne_metric(self, name: str, metric: str) -> float:
        """A metric of one daphne, scraped directly (per-process counters), as the DEPLOY.md says."""
        port = self.services[name].port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request(
                "GET",
                "/metrics",
                headers={
                    "Host": SERVER_NAME,
                    "Authorization": f"Bearer {self.env['SUPPORTREPLAY_METRICS_TOKEN']}",
                },
            )
            text = conn.getresponse().read().decode()
        finally:
            conn.close()
        match = re.search(rf"^{re.escape(metric)} (\S+)$", text, re.M)
        return float(match.group(1)) if match else 0.0

    def query(self, sql: str, *params) -> list[tuple]:
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.db_path, timeout=20)) as db:
            return db.execute(sql, params).fetchall()


def render_nginx(stack: Stack, upstream_ports: list[int], cert: Path, key: Path) -> Path:
    sys.path.insert(0, str(ROOT / "deploy"))
    from render_nginx import render

    upstream = stack.workdir / "upstream.conf"
    upstream.write_text(
        "".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in upstream_ports)
    )
    site = render(
        {
            "SERVER_NAME": SERVER_NAME,
            "TLS_CERT": str(cert),
            "TLS_KEY": str(key),
            "STATIC_ROOT": stack.env["STATIC_ROOT"],
            "LOG_DIR": str(stack.workdir / "logs"),
            "HTTP_PORT": str(stack.http_port),
            "HTTPS_PORT": str(stack.https_port),
            "UPSTREAM_CONF": str(upstream),
        }
    )
    (stack.workdir / "supportreplay.conf").write_text(site)
    temp = stack.workdir / "nginx-temp"
    temp.mkdir()
    main = stack.workdir / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private files
    main.write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {stack.workdir}/nginx.pid;\n"
        f"error_log {stack.workdir}/logs/nginx-error.log warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;\n"
        f"  include {stack.workdir}/supportreplay.conf;\n}}\n"
    )
    return main


@contextlib.contextmanager
def deployed(workdir: Path) -> Iterator[Stack]:
    """The whole bundle up: Redis, migrations, collectstatic, 2 daphnes, worker, beat, nginx."""
    nginx = ensure_nginx()
    (workdir / "logs").mkdir(parents=True)
    cert, key = self_signed(workdir)
    redis_url, redis_proc = localredis.start_private(appendonly=True)
    stack: Stack | None = None
    try:
        from redis import Redis

        Redis.from_url(redis_url).config_set("maxmemory-policy", "noeviction")
        https_port, http_port = free_port(), free_port()
        db_path = workdir / "db.sqlite3"
        env = {
            "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "supportreplay.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": SERVER_NAME,
            "CSRF_TRUSTED_ORIGINS": f"https://{SERVER_NAME}:{https_port}",
            "SUPPORTREPLAY_PUBLIC_URL": f"https://{SERVER_NAME}:{https_port}",
            "SUPPORTREPLAY_COMPANY_NAME": "Acme",
            "SUPPORTREPLAY_DEMO": "true",
            "SUPPORTREPLAY_METRICS_TOKEN": secrets.token_urlsafe(16),
            "DATABASE_URL": f"sqlite:///{db_path}",
            "REDIS_URL": redis_url,
            "BEHIND_TLS_PROXY": "true",
            "SECURE_COOKIES": "true",
            "SECURE_SSL_REDIRECT": "true",
            "SERVE_STATIC": "false",
            "TRUSTED_PROXIES": "127.0.0.1",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "CELERY_BEAT_SCHEDULE_FILENAME": str(workdir / "celerybeat-schedule"),
            "LOG_FORMAT": "json",
        }
        stack = Stack(workdir, env, https_port, http_port, cert, redis_url, db_path)
        stack.manage("migrate", "--noinput", "-v", "0")
        stack.manage("collectstatic", "--noinput", "-v", "0")
        lines = procfile()
        for name in ("web1", "web2"):
            web = stack.start(name, lines["web"], PORT=str(free_port()))
            stack.wait_port(web.port, web)
        stack.start("worker", lines["worker"], CELERY_CONCURRENCY="1")
        stack.start("beat", lines["beat"])
        conf = render_nginx(stack, [stack.services["web1"].port, stack.services["web2"].port], cert, key)
        check = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        proxy = stack.start("nginx", f"{nginx} -c {conf}")
        stack.wait_port(https_port, proxy)
        yield stack
    finally:
        if stack:
            for service in reversed(list(stack.services.values())):
                service.stop()
        redis_proc.terminate()
        redis_proc.wait(10)


def json_lines(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            out.append(json.loads(line))
    return out
