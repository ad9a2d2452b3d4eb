"""False positives (and misses) of the privacy rules, in both engines, on the same generated texts.

    .venv/bin/python bench/privacy_false_positives.py [--count 1000000] [--seed 7]

A million random 13-digit millisecond timestamps (every 13-digit number starting with 1: 2001-09 to
2033-05), bare and in the contexts the first version masked them in (a console line, a JSON field, a
cache-busting query, a stack frame, a web-vitals id), then other things that are not secrets: order
numbers, 16- and 19-digit micro/nanosecond timestamps, UUIDs, SHA-1 hashes, Math.random() output, version
strings. Each text is masked by the server (sessions/privacy) and by the recorder (static/recorder/src/
secrets.js under node); a false positive is any change. For the other direction it also masks random
Luhn-valid numbers of every network (plain, spaced, dashed): each must become "[card]".
Last, the cost of redacting one synthetic full snapshot (--nodes elements of shop-like text, titles,
data-* and links) with each engine: what a page pays per snapshot in the recorder (best of 10 runs).
No Redis, no database: pure functions. Results: docs/PRIVACY.md.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from hashlib import sha1
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sessions.privacy.cards import CARD_LENGTHS  # noqa: E402
from sessions.privacy.text import mask_text  # noqa: E402
from sessions.redaction import redact_events  # noqa: E402

NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { maskText } from "%s";
const groups = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = {};
for (const [name, texts, expectCard] of groups) {
  const started = performance.now();
  let wrong = 0;
  const examples = [];
  for (const text of texts) {
    const masked = maskText(text);
    const bad = expectCard ? masked !== "[card]" : masked !== text;
    if (bad) { wrong += 1; if (examples.length < 3) examples.push([text, masked]); }
  }
  out[name] = { wrong, examples, seconds: (performance.now() - started) / 1000 };
}
const { redactEvent } = await import("%s");
const snapshot = JSON.parse(readFileSync(process.argv[3], "utf8"));
let best = Infinity;
for (let run = 0; run < 10; run += 1) {
  const event = structuredClone(snapshot);
  const started = performance.now();
  redactEvent(event);
  best = Math.min(best, performance.now() - started);
}
out.snapshot_ms = best;
console.log(JSON.stringify(out));
"""
WORDS = ["Espresso beans", "Dark roast · 500 g", "€14.50", "Add to cart", "Order #1000000000009",
         "Contact support@example.com", "Ships in 2-3 days", "v2.11.0"]  # fmt: skip


def snapshot(nodes: int) -> dict:
    body = {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [], "id": 4}
    next_id = 10
    for i in range(nodes):
        text = {"type": 3, "textContent": WORDS[(i + 3) % 8], "id": next_id}
        inner = {"type": 3, "textContent": WORDS[i % 8], "id": next_id + 1}
        span = {"type": 2, "tagName": "span", "attributes": {}, "childNodes": [inner], "id": next_id + 2}
        attributes = {
            "class": "card",
            "title": WORDS[i % 8],
            "data-sku": f"sku-{i}",
            "href": f"/p/{i}?ref=home",
        }
        body["childNodes"].append(
            {
                "type": 2,
                "tagName": "div",
                "attributes": attributes,
                "childNodes": [text, span],
                "id": next_id + 3,
            }
        )
        next_id += 4
    html = {"type": 2, "tagName": "html", "attributes": {}, "childNodes": [body], "id": 3}
    return {"type": 2, "data": {"node": {"type": 0, "childNodes": [html], "id": 1}}, "timestamp": 1}


def luhn_complete(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return body + str((10 - total % 10) % 10)


def negatives(rng: random.Random, count: int) -> list[tuple[str, list[str]]]:
    ts = [str(rng.randrange(10**12, 2 * 10**12)) for _ in range(count)]
    small = max(1, count // 10)
    pick = ts[:small]
    return [
        ("13-digit ms timestamps, bare", ts),
        ("... in a console line", [f"saved at {t}" for t in pick]),
        ("... as a JSON field", [f'{{"createdAt":{t},"id":42}}' for t in pick]),
        (
            "... in a cache-busting URL and stack frame",
            [f"at f (https://cdn.test/app.js?v={t}:12:5)" for t in pick],
        ),
        ("... in a query string", [f"/api/events?since={t}&until={t}" for t in pick]),
        ("... in a web-vitals id", [f"v4-{t}-{rng.randrange(10**12, 10**13)}" for t in pick]),
        (
            "order numbers (13 digits from 1)",
            [f"order {rng.randrange(10**12, 2 * 10**12)}" for _ in range(small)],
        ),
        ("16-digit microsecond timestamps", [str(rng.randrange(10**15, 2 * 10**15)) for _ in range(small)]),
        ("19-digit nanosecond timestamps", [str(rng.randrange(10**18, 2 * 10**18)) for _ in range(small)]),
        ("UUIDs", [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(small)]),
        ("SHA-1 hashes", [sha1(rng.randbytes(8)).hexdigest() for _ in range(small)]),
        ("Math.random() output", [repr(rng.random()) for _ in range(small)]),
        (
            "version strings",
            [f"v{rng.randrange(30)}.{rng.randrange(100)}.{rng.randrange(10**4)}" for _ in range(small)],
        ),
    ]


def cards(rng: random.Random, count: int) -> list[tuple[str, list[str]]]:
    """Random valid numbers of every (prefix, length) in the table, in the three ways people write them."""
    shapes = [(prefix, length) for prefix, lengths in CARD_LENGTHS.items() for length in lengths]
    plain = []
    for _ in range(count):
        prefix, length = rng.choice(shapes)
        body = prefix + "".join(rng.choice("0123456789") for _ in range(length - 3))
        plain.append(luhn_complete(body))

    def grouped(number: str, sep: str) -> str:
        # Fours, as printed on cards; a lone last digit joins the group before it (13 -> 4-4-5).
        fours = [number[i : i + 4] for i in range(0, len(number), 4)]
        if len(fours[-1]) == 1:
            fours[-2:] = [fours[-2] + fours[-1]]
        return sep.join(fours)

    return [
        ("random valid cards, plain", plain),
        ("... spaced in fours", [grouped(n, " ") for n in plain]),
        ("... dashed in fours", [grouped(n, "-") for n in plain]),
    ]


def run_python(groups, expect_card: bool) -> dict:
    out = {}
    for name, texts in groups:
        started = time.perf_counter()
        wrong, examples = 0, []
        for text in texts:
            masked = mask_text(text)
            if (masked != "[card]") if expect_card else (masked != text):
                wrong += 1
                if len(examples) < 3:
                    examples.append((text, masked))
        out[name] = {"wrong": wrong, "examples": examples, "seconds": time.perf_counter() - started}
    return out


def run_node(groups_with_flags, event: dict) -> dict:
    secrets_js = (ROOT / "static/recorder/src/secrets.js").as_uri()
    redact_js = (ROOT / "static/recorder/src/redact.js").as_uri()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "texts.json"
        data.write_text(json.dumps(groups_with_flags))
        snap = Path(tmp) / "snapshot.json"
        snap.write_text(json.dumps(event))
        script = Path(tmp) / "fp.mjs"
        script.write_text(NODE_SCRIPT % (secrets_js, redact_js))
        result = subprocess.run(
            ["node", str(script), str(data), str(snap)], check=True, capture_output=True, text=True
        )
    return json.loads(result.stdout)


def python_snapshot_ms(event: dict) -> float:
    best = float("inf")
    for _ in range(10):
        copy = json.loads(json.dumps(event))
        started = time.perf_counter()
        redact_events([copy])
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="timestamps (other groups: a tenth)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--nodes", type=int, default=5000, help="elements of the synthetic snapshot")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    neg = negatives(rng, args.count)
    pos = cards(rng, max(1, args.count // 10))
    py = {**run_python(neg, False), **run_python(pos, True)}
    event = snapshot(args.nodes)
    js = run_node([[n, t, False] for n, t in neg] + [[n, t, True] for n, t in pos], event)
    header = ("texts", "count", "python wrong", "node wrong", "py µs/text", "js µs/text")
    print(f"{header[0]:<46} {header[1]:>9} {header[2]:>13} {header[3]:>11} {header[4]:>11} {header[5]:>11}")
    for name, texts in neg + pos:
        p, j = py[name], js[name]
        print(
            f"{name:<46} {len(texts):>9} {p['wrong']:>13} {j['wrong']:>11}"
            f" {p['seconds'] / len(texts) * 1e6:>11.2f} {j['seconds'] / len(texts) * 1e6:>11.2f}"
        )
        for text, masked in p["examples"] + [tuple(e) for e in j["examples"]]:
            print(f"    e.g. {text!r} -> {masked!r}")
    print(
        f"full snapshot of {args.nodes * 3} nodes ({args.nodes} elements with 4 attributes,"
        f" {args.nodes * 2} texts): python {python_snapshot_ms(event):.1f} ms,"
        f" node {js['snapshot_ms']:.1f} ms (best of 10)"
    )


if __name__ == "__main__":
    main()
