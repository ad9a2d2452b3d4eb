"""Fidelity benchmark: does the agent see what the customer saw?

A small corpus of modern pages built from npm-published libraries (bench/fidelity_corpus: Lit web components
with shadow DOM, a Chart.js canvas chart with a popover, a Preact + htm table app with hash routes, a
checkout page framing a Preact partner widget from a second origin whose page carries the loader with `data-
sr-parents`) is served from its own origin and recorded through the real path (loader -> recorder -> daphne
-> Redis) in headless Chromium, at desktop (1280x900) and phone (390x844) widths. On each page the customer
changes every form control; then at one moment the customer's screenshot is compared with the agent's live
view and with the archived replay at the same moment (both at 1:1 scale):

- differing pixels (a channel differs by more than 24), over the whole viewport and outside the controls
  the privacy rules mask on purpose (their value is hidden by design);
- every form control's state (also inside shadow roots): right when it equals the customer's or shows
  as masked (tests/e2e/fidelity_helpers.mismatches).

    .venv/bin/python bench/fidelity.py [--widths 1280,390] [--pages lit,chart] [--redis URL]

Uses its own SQLite file (var/bench-fidelity.sqlite3) and a private redis-server it starts (a given
`--redis` URL is shared and never flushed). Needs `npm run build` and the npm dev dependencies lit,
chart.js, preact and htm.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "bench" / "fidelity_corpus"
BUILD = ROOT / "bench" / "results" / "fidelity_build"
PAGES = ["lit", "chart", "preact", "frames"]
BUNDLES = ["lit", "chart", "preact", "widget"]  # frames.html has no bundle; its frame (widget.html) has
SIZES = {1280: 900, 390: 844}

from bench._stack import bench_env, bench_redis, free_port, spawn_daphne  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402

# Every control of the page, shadow roots included, in document order (same script on both sides).
CONTROLS_JS = """
const side = arguments[0];
const frame = document.querySelector('[data-stage] iframe');
const doc = side === 'replay' ? frame && frame.contentDocument : document;
if (!doc || !doc.body) return null;
const out = {};
let n = 0;
const walk = (root) => {
  for (const el of root.querySelectorAll('*')) {
    if (el.matches('input, select, textarea') && !el.closest('sr-banner')) {
      const type = el.tagName === 'INPUT' ? el.type : el.tagName.toLowerCase();
      let shown;
      if (type === 'select') shown = el.selectedIndex < 0 ? '' : el.options[el.selectedIndex].text;
      else if (type === 'checkbox' || type === 'radio') shown = el.checked;
      else shown = el.value;
      const r = el.getBoundingClientRect();
      out[`${n++}:${type}`] = {type, shown, masked: el.hasAttribute('data-sr-masked'),
        rect: [r.left, r.top, r.width, r.height]};
    }
    if (el.shadowRoot) walk(el.shadowRoot);
  }
};
walk(doc);
return out;
"""

# What a customer does on each page: change every control, open what can be opened.
ACT_JS = """
const set = (el, value) => { el.value = value; el.dispatchEvent(new Event('input', {bubbles: true}));
  el.dispatchEvent(new Event('change', {bubbles: true})); };
const walk = (root) => {
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) walk(el.shadowRoot);
    if (el.tagName === 'SELECT') { el.selectedIndex = el.options.length - 1; set(el, el.value); }
    else if (el.tagName === 'TEXTAREA') set(el, 'Please call me back');
    else if (el.tagName === 'INPUT') {
      const t = el.type;
      if (t === 'checkbox') el.click();
      else if (t === 'radio') { if (!el.checked) el.click(); }
      else if (t === 'range') set(el, el.max);
      else if (t === 'number') set(el, '42');
      else if (t === 'date') set(el, '2027-03-14');
      else if (t === 'color') set(el, '#ff8800');
      else set(el, 'Hello there');
    }
  }
};
walk(document);
document.getElementById('help')?.click();
if (document.getElementById('app')) location.hash = '#/paid';
"""

ONE_TO_ONE_JS = """
const w = document.querySelector('.replayer-wrapper');
if (!w) return false;
Object.assign(w.style, {transform: 'none', position: 'fixed', left: '0', top: '0', zIndex: '2147483647'});
for (const e of document.querySelectorAll('.replayer-mouse, .replayer-mouse-tail')) e.style.display = 'none';
return true;
"""

DIFF_JS = """
const [a, b, holes, done] = arguments;
const load = (src) => new Promise((ok, ko) => { const i = new Image(); i.onload = () => ok(i); i.onerror = ko;
  i.src = 'data:image/png;base64,' + src; });
Promise.all([load(a), load(b)]).then(([x, y]) => {
  const w = Math.min(x.width, y.width), h = Math.min(x.height, y.height);
  const px = (img) => { const c = document.createElement('canvas'); c.width = w; c.height = h;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, w, h).data; };
  const p = px(x), q = px(y);
  const dpr = x.width / window.innerWidth;
  const inHole = (i, j) => holes.some(([l, t, rw, rh]) => i >= l * dpr && i < (l + rw) * dpr && j >= t * dpr
    && j < (t + rh) * dpr);
  let diff = 0, diffOut = 0, total = 0, totalOut = 0;
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) {
    const k = (j * w + i) * 4;
    const d = Math.max(Math.abs(p[k] - q[k]), Math.abs(p[k + 1] - q[k + 1]),
      Math.abs(p[k + 2] - q[k + 2])) > 24;
    total++; if (d) diff++;
    if (!inHole(i, j)) { totalOut++; if (d) diffOut++; }
  }
  done({all: 100 * diff / total, outside_masked: 100 * diffOut / Math.max(1, totalOut)});
}).catch((e) => done({error: String(e)}));
"""


def build_corpus() -> None:
    BUILD.mkdir(parents=True, exist_ok=True)
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    for page in BUNDLES:
        subprocess.run(
            [
                str(esbuild),
                str(CORPUS / "src" / f"{page}.js"),
                "--bundle",
                "--minify",
                "--format=iife",
                f"--outfile={BUILD / f'{page}.js'}",
                "--log-level=warning",
            ],
            check=True,
        )


class CorpusHandler(http.server.SimpleHTTPRequestHandler):
    loader = ""
    other = ""  # the other corpus server's origin (frames.html frames a page from it)

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0].split("#")[0].lstrip("/")
        file = BUILD / path.removeprefix("build/") if path.startswith("build/") else CORPUS / path
        if not file.is_file() or ".." in path:
            self.send_error(404)
            return
        body = file.read_bytes()
        kind = {"html": "text/html", "js": "text/javascript", "css": "text/css"}.get(
            file.suffix[1:], "text/plain"
        )
        if file.suffix == ".html":
            body = body.replace(b"{{LOADER}}", self.loader.encode()).replace(
                b"{{OTHER}}", self.other.encode()
            )
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve_corpus(port: int, loader: str, other: str) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (CorpusHandler,), {"loader": loader, "other": other})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def holes_of(controls: dict | None) -> list[list[float]]:
    """Rectangles of controls masked on purpose (their value is hidden by design)."""
    out = []
    for c in (controls or {}).values():
        shown = c["shown"]
        masked = (
            c["masked"]
            or "(masked)" in str(shown)
            or (isinstance(shown, str) and shown and set(shown) == {"*"})
        )
        if masked:
            left, top, width, height = c["rect"]
            out.append([left - 2, top - 2, width + 4, height + 4])
    return out


def agent_view(agent, url: str, ready_js: str, settle: float) -> tuple[str, dict]:
    agent.get(url)
    wait_for(lambda: agent.execute_script(ready_js), 30, message=f"agent view of {url}")
    time.sleep(settle)
    # The agent page's own scrollbar is not the replay's (hidden first: the stage refits on resize).
    agent.execute_script("document.documentElement.style.overflow = 'hidden'")
    time.sleep(0.3)
    wait_for(lambda: agent.execute_script(ONE_TO_ONE_JS), 10, message="replay wrapper")
    time.sleep(0.3)
    return agent.get_screenshot_as_base64(), agent.execute_script(CONTROLS_JS, "replay")


def run_page(page: str, width: int, corpus: str, base: str, cookie: str) -> dict:
    from sessions.archive.service import archive_session
    from sessions.models import EndReason
    from sessions.services import end_session
    from sessions.store import read_events
    from tests.e2e.fidelity_helpers import mismatches
    from tests.helpers.browser import make_driver
    from tests.sessions.factories import make_session

    height = SIZES[width]
    recording = make_session(f"{corpus}/{page}.html")
    customer = make_driver(width, height)
    agent = make_driver(width, height)
    try:
        customer.get(f"{corpus}/{page}.html#sr={recording.credential}")
        wait_for(
            lambda: customer.execute_script("return !!document.querySelector('sr-banner')"),
            20,
            message="recorder",
        )
        time.sleep(1.0)
        customer.execute_script(ACT_JS)
        time.sleep(2.0)
        customer.execute_script("document.querySelector('sr-banner').style.visibility = 'hidden'")
        shot_customer = customer.get_screenshot_as_base64()
        moment = customer.execute_script("return Date.now()")
        controls_customer = customer.execute_script(CONTROLS_JS, "page")
        customer.execute_script("document.querySelector('sr-banner').style.visibility = ''")

        agent.get(f"{base}/healthz")
        agent.add_cookie({"name": "sessionid", "value": cookie, "path": "/"})
        ready_live = (
            "return !!document.querySelector('[data-stage] iframe')?.contentDocument?.body?.childElementCount"
        )
        shot_live, controls_live = agent_view(agent, f"{base}/sessions/{recording.id}/live", ready_live, 2.5)

        events = [e for b in read_events(recording.id) for e in b.events]
        first_ts = min(e["timestamp"] for e in events)
        canvas_frames = sum(1 for e in events if e["type"] == 3 and e["data"].get("source") == 9)
        time.sleep(0.5)
        assert end_session(recording.id, EndReason.STOP)
        assert archive_session(recording.id).status == "archived"
        at = max(0.0, (moment - first_ts) / 1000)
        shot_replay, controls_replay = agent_view(
            agent,
            f"{base}/sessions/{recording.id}/?t={at:.2f}",
            "return document.body.dataset.replayReady",
            1.5,
        )
        result = {
            "page": page,
            "width": width,
            "controls": len(controls_customer or {}),
            "canvas_frames": canvas_frames,
        }
        for name, shot, controls in (
            ("live", shot_live, controls_live),
            ("replay", shot_replay, controls_replay),
        ):
            pixels = agent.execute_async_script(DIFF_JS, shot_customer, shot, holes_of(controls))
            wrong = mismatches(controls_customer or {}, controls or {})
            result[name] = {"pixels": pixels, "wrong_controls": wrong}
            (BUILD / f"{page}-{width}-{name}.png").write_bytes(__import__("base64").b64decode(shot))
        (BUILD / f"{page}-{width}-customer.png").write_bytes(__import__("base64").b64decode(shot_customer))
        return result
    finally:
        customer.quit()
        agent.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", default="", help="a shared Redis (never flushed); default: a private one")
    parser.add_argument("--widths", default="1280,390")
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    corpus_port, frame_port, port = free_port(), free_port(), free_port()
    corpus = f"http://127.0.0.1:{corpus_port}"
    framed = f"http://127.0.0.1:{frame_port}"  # another origin: frames.html's partner widget
    base = f"http://127.0.0.1:{port}"
    redis_url, owned = bench_redis(args.redis)
    env = bench_env("bench-fidelity.sqlite3", redis_url, SUPPORTREPLAY_ALLOWED_ORIGINS=corpus)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from supportreplay.redis_client import get_redis
    from tests.helpers import live

    call_command("migrate", verbosity=0)
    if owned:
        get_redis().flushdb()
    build_corpus()
    loader = f"{base}/static/recorder/loader.js"
    server = serve_corpus(corpus_port, loader, framed)
    frame_server = serve_corpus(frame_port, loader, corpus)
    daphne = spawn_daphne(port, env)
    results = []
    try:
        cookie = live.session_cookie(live.make_agent(f"bench-{secrets.token_hex(3)}"))
        for width in (int(w) for w in args.widths.split(",")):
            for page in args.pages.split(","):
                result = run_page(page, width, corpus, base, cookie)
                results.append(result)
                print(json.dumps(result), flush=True)
    finally:
        daphne.terminate()
        daphne.wait(10)
        server.shutdown()
        frame_server.shutdown()
    print(
        f"{'page':8} {'width':>5} {'controls':>8} {'live px%':>9} {'(unmasked)':>10} {'replay px%':>10} "
        f"{'(unmasked)':>10} {'controls right':>14}"
    )
    for r in results:
        right = r["controls"] - max(len(r["live"]["wrong_controls"]), len(r["replay"]["wrong_controls"]))
        lp, rp = r["live"]["pixels"], r["replay"]["pixels"]
        print(
            f"{r['page']:8} {r['width']:>5} {r['controls']:>8} {lp.get('all', -1):>9.2f} "
            f"{lp.get('outside_masked', -1):>10.2f} {rp.get('all', -1):>10.2f} "
            f"{rp.get('outside_masked', -1):>10.2f} "
            f"{right:>6}/{r['controls']}"
        )


if __name__ == "__main__":
    main()
