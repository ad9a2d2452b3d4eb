"""Record a real npm-published single-page app through the product's real path, as a bench fixture.

    .venv/bin/python bench/spa_record.py [--minutes 5] [--out bench/fixtures/swagger-ui.msgpack.zst]

The app: Swagger UI (`swagger-ui-dist`, a React SPA whose stylesheet is 188 KB), fetched with `npm pack`
into var/bench-spa/ and served on a free loopback port with the product's loader snippet added to its
page and a local OpenAPI document of a shop API (every "Execute" answers from the same server). The path:
a magic link made by the product, consent in headless Chromium, the recorder on the app's origin,
`/ws/ingest/` on a real daphne (own SQLite file var/bench-spa.sqlite3, Redis DB 4, a checkout every
minute as in the issue), then Stop from the banner. The script clicks through the API for `--minutes`
(expand an operation, Try it out, fill the parameters, Execute, read the response, collapse; open the
schemas) and saves the stream as it was stored (batches: tab, seq, server ts, events) as msgpack + zstd,
and prints what Redis held per recorded minute.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import random
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]
from bench._stack import bench_env, free_port, spawn_daphne  # noqa: E402

APP_PACKAGE = "swagger-ui-dist@5.35.0"
CACHE = ROOT / "var" / "bench-spa"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")


def app_dir() -> Path:
    """The app's files, from the npm registry through npm itself (cached)."""
    target = CACHE / "swagger-ui-dist"
    if not (target / "swagger-ui.css").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        name = subprocess.run(
            ["npm", "pack", APP_PACKAGE, "--silent", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        with tarfile.open(CACHE / name) as tar:
            tar.extractall(CACHE / "unpacked", filter="data")
        (CACHE / "unpacked" / "package").rename(target)
    return target


def openapi(rng: random.Random) -> dict:
    """A shop API: 12 resources x 4 operations, with schemas (what a support agent's customer browses)."""
    paths, schemas = {}, {}
    for resource in ("orders", "customers", "products", "carts", "invoices", "payments", "refunds",
                     "shipments", "coupons", "reviews", "stores", "webhooks"):  # fmt: skip
        name = resource[:-1].title()
        schemas[name] = {
            "type": "object",
            "properties": {f"{field}_{n}": {"type": rng.choice(["string", "integer", "boolean"]),
                                            "description": f"The {field} of the {resource[:-1]}."}
                           for n, field in enumerate(("id", "status", "total", "created", "note", "owner"))},
        }  # fmt: skip
        ref = {"$ref": f"#/components/schemas/{name}"}
        ok = {"200": {"description": "OK", "content": {"application/json": {"schema": ref}}}}
        param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
        paths[f"/api/{resource}"] = {
            "get": {"tags": [resource], "summary": f"List {resource}", "responses": ok,
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}]},
            "post": {"tags": [resource], "summary": f"Create a {resource[:-1]}", "responses": ok,
                     "requestBody": {"content": {"application/json": {"schema": ref}}}},
        }  # fmt: skip
        paths[f"/api/{resource}/{{id}}"] = {
            "get": {"tags": [resource], "summary": f"Get a {resource[:-1]}", "parameters": param,
                    "responses": ok},
            "delete": {"tags": [resource], "summary": f"Delete a {resource[:-1]}", "parameters": param,
                       "responses": {"204": {"description": "Deleted"}}},
        }  # fmt: skip
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop API", "version": "1.0", "description": "The API customers use."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def serve_app(directory: Path, support: str) -> http.server.ThreadingHTTPServer:
    snippet = f'<script src="{support}/static/recorder/loader.js" async></script>'
    spec = json.dumps(openapi(random.Random(1))).encode()
    rng = random.Random(2)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, *args):
            pass

        def _send(self, body: bytes, kind: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?")[0]
            if path in ("/", "/index.html"):
                page = (directory / "index.html").read_text().replace("</head>", f"  {snippet}\n  </head>")
                self._send(page.encode(), "text/html; charset=utf-8")
            elif path == "/swagger-initializer.js":
                js = (directory / "swagger-initializer.js").read_text()
                js = js.replace("https://petstore.swagger.io/v2/swagger.json", "/openapi.json")
                self._send(js.encode(), "application/javascript")
            elif path == "/openapi.json":
                self._send(spec, "application/json")
            elif path.startswith("/api/"):
                status = 500 if rng.random() < 0.1 else 200
                body = {"id": rng.randrange(10**6), "status": "ok" if status == 200 else "error"}
                self._send(json.dumps(body).encode(), "application/json", status)
            else:
                super().do_GET()

        do_POST = do_DELETE = do_GET

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def step(driver, rng: random.Random, js_click) -> None:
    """One round: open an operation, try it out with parameters, execute, read, close; sometimes schemas."""
    from selenium.webdriver.common.by import By

    blocks = driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-control")
    if not blocks:
        time.sleep(0.5)
        return
    block = rng.choice(blocks)
    js_click(block)
    time.sleep(0.6)
    for button in driver.find_elements(By.CSS_SELECTOR, ".opblock.is-open .try-out__btn")[:1]:
        js_click(button)
        time.sleep(0.4)
    for field in driver.find_elements(By.CSS_SELECTOR, ".opblock.is-open .parameters input")[:2]:
        if field.is_displayed() and field.is_enabled():
            field.clear()
            field.send_keys(str(rng.randrange(1, 500)))
    for button in driver.find_elements(By.CSS_SELECTOR, ".opblock.is-open .execute")[:1]:
        js_click(button)
        time.sleep(1.2)
    driver.execute_script("window.scrollBy(0, arguments[0])", rng.randrange(-600, 600))
    time.sleep(rng.uniform(0.8, 2.0))
    js_click(block)  # collapse again
    if rng.random() < 0.2:
        for model in driver.find_elements(By.CSS_SELECTOR, ".models .model-box-control")[:3]:
            js_click(model)
    time.sleep(rng.uniform(0.5, 1.5))


def browse(driver, minutes: float, rng: random.Random) -> int:
    """Click through the API like a customer reproducing a problem; returns the number of steps."""
    from selenium.common.exceptions import WebDriverException

    def js_click(element) -> None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)

    deadline = time.monotonic() + minutes * 60
    steps = 0
    while time.monotonic() < deadline:
        try:
            step(driver, rng, js_click)
            steps += 1
        except WebDriverException:  # an element went away under the click: the next step goes on
            time.sleep(0.5)
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--out", default=str(ROOT / "bench" / "fixtures" / "swagger-ui.msgpack.zst"))
    args = parser.parse_args()

    port = free_port()
    support = f"http://127.0.0.1:{port}"
    app = serve_app(app_dir(), support)
    origin = f"http://127.0.0.1:{app.server_address[1]}"
    env = bench_env(
        "bench-spa.sqlite3",
        REDIS_URL,
        SUPPORTREPLAY_ALLOWED_ORIGINS=origin,
        SUPPORTREPLAY_CHECKOUT_EVERY_MS="60000",
        SUPPORTREPLAY_PUBLIC_URL=support,
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.spa_fixture import save_stream
    from magiclinks import services as links
    from sessions.models import RecordingSession
    from tests.e2e.conftest import banner_text, click, click_banner_button, wait_for
    from tests.helpers.browser import make_driver
    from tests.helpers.live import make_agent

    daphne = spawn_daphne(port, env)
    driver = make_driver()
    try:
        created = links.create_link(make_agent(), target_url=f"{origin}/index.html", site_origin=support)
        driver.get(links.link_url(created.token, support))
        click(driver, "accept")
        wait_for(lambda: "Sharing this tab" in banner_text(driver), timeout=30, message="recording started")
        session = RecordingSession.objects.get(link=created.link)
        started = time.monotonic()
        steps = browse(driver, args.minutes, random.Random(4))
        click_banner_button(driver)  # Stop sharing: the recorder says bye, the session ends
        wait_for(lambda: RecordingSession.objects.get(pk=session.pk).state != "live", timeout=30)
        recorded_min = (time.monotonic() - started) / 60
        report = save_stream(session.pk, Path(args.out))
    finally:
        driver.quit()
        daphne.terminate()
        daphne.wait(10)
        app.shutdown()
    print(f"recorded {recorded_min:.1f} min, {steps} steps, session {session.pk}")
    for key, value in report.items():
        print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
