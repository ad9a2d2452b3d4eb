"""`make run`: Redis (found or started), migrations, a local admin, then daphne + Celery worker + beat.

Ctrl-C (SIGINT) or SIGTERM stops every process this script started, and nothing else.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import localredis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from supportreplay.web import daphne_command  # noqa: E402

BIN = os.path.dirname(sys.executable)


def dotenv_value(name: str, default: str) -> str:
    """An environment variable, else its line in .env (the file settings.py reads), else the default."""
    value = os.environ.get(name)
    if not value and os.path.exists(os.path.join(ROOT, ".env")):
        with open(os.path.join(ROOT, ".env")) as dotenv:
            for line in dotenv:
                if line.strip().startswith(f"{name}="):
                    value = line.split("=", 1)[1].strip().strip("'\"")
    return value or default


PORT = int(dotenv_value("PORT", "8000"))
HOST = dotenv_value("WEB_HOST", os.environ.get("HOST", "127.0.0.1"))


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_healthy(timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz/ready", timeout=5) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def main() -> int:
    children: list[subprocess.Popen] = []
    redis_url, redis_proc = localredis.ensure(dotenv_value("REDIS_URL", "redis://127.0.0.1:6379/0"))
    if redis_proc:
        children.append(redis_proc)
    env = {**os.environ, "REDIS_URL": redis_url, "PORT": str(PORT), "WEB_HOST": HOST, "PYTHONUNBUFFERED": "1"}
    os.makedirs(os.path.join(ROOT, "var"), exist_ok=True)

    def stop(*_args) -> None:
        for proc in reversed(children):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in children:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        print("\nSupportReplay stopped; every process it started has exited.", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("ensure_admin", env=env)
        children.append(subprocess.Popen(daphne_command(HOST, PORT, env), cwd=ROOT, env=env))
        celery = [f"{BIN}/celery", "-A", "supportreplay"]
        children.append(
            subprocess.Popen(
                [*celery, "worker", "-l", "warning", "--concurrency", "2", "-n", "local@%h"],
                cwd=ROOT,
                env=env,
            )
        )
        children.append(
            subprocess.Popen(
                [*celery, "beat", "-l", "warning", "-s", os.path.join(ROOT, "var", "celerybeat-schedule")],
                cwd=ROOT,
                env=env,
            )
        )
        if wait_healthy():
            base = f"http://{HOST}:{PORT}"
            print(
                f"\n  SupportReplay is running.\n"
                f"    Admin (create a link):  {base}/admin/\n"
                f"    Sessions (watch/replay): {base}/sessions/\n"
                f"    Demo shop to record:     {base}/demo/\n"
                f"    Health:                  {base}/healthz/ready\n"
                f"  Redis: {redis_url}   Press Ctrl-C to stop everything.\n",
                flush=True,
            )
        else:
            print("Warning: /healthz/ready did not answer 200 within 60 s; see the logs above.", flush=True)
        while True:
            for proc in children:
                if proc.poll() is not None:
                    print(f"A process exited ({proc.args[0]}, code {proc.returncode}); stopping.", flush=True)
                    stop()
            time.sleep(1)
    except subprocess.CalledProcessError as exc:
        print(f"Setup step failed: {exc}", flush=True)
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
