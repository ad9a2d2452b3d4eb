"""Writes the shared privacy vectors (secrets.json, negatives.json, places.json) that both the recorder's
node tests and pytest load. Run it after changing the lists below:

    .venv/bin/python tests/vectors/privacy/generate.py

The files hold data only: the kinds of secret (with where the placeholder goes), the encodings each is
tried in (already applied, so neither test suite re-implements an encoder), the values that must stay as
they are, and the places (rrweb event templates) a text is put in. Both harnesses form the same product
kinds x encodings x places; tests/vectors/privacy/README.md explains the format.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

HERE = Path(__file__).resolve().parent


def luhn_complete(body: str) -> str:
    """`body` plus the check digit that makes it Luhn-valid."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return body + str((10 - total % 10) % 10)


def card(prefix: str, length: int) -> str:
    body = (prefix + "7392046158" * 2)[: length - 1]
    return luhn_complete(body)


# network, number (published test numbers where they exist, else prefix + Luhn)
CARDS = [
    ("visa", "4111111111111111"),
    ("visa-13", "4222222222222"),
    ("visa-19", card("4", 19)),
    ("mastercard", "5555555555554444"),
    ("mastercard-2series", "2223003122003222"),
    ("amex", "378282246310005"),
    ("discover", "6011111111111117"),
    ("diners-14", "30569309025904"),
    ("jcb", "3530111333300000"),
    ("unionpay", "6200000000000005"),
    ("unionpay-19", card("62", 19)),
    ("discover-18", card("65", 18)),
    ("jcb-17", card("3589", 17)),
    ("maestro-13", card("5018", 13)),
    ("maestro", "6759649826438453"),
    ("mir", card("2200", 16)),
    ("rupay", card("8172", 16)),
    ("uatp", "135410014004955"),
    ("elo", "6362970000457013"),
    ("troy", card("9792", 16)),
    ("humo", card("9860", 16)),
]


def group(number: str) -> list[str]:
    if len(number) == 15:
        return [number[:4], number[4:10], number[10:]]
    if len(number) == 14:
        return [number[:4], number[4:10], number[10:]]
    return (
        [number[i : i + 4] for i in range(0, len(number), 4)]
        if len(number) % 4 != 1
        else ([number[i : i + 4] for i in range(0, len(number) - 5, 4)] + [number[-5:]])
    )


FAKE_VALUE = "Tr0ub4dor-x9Q"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


def kinds() -> list[dict]:
    out = []
    for network, number in CARDS:
        grouped = group(number)
        for fmt, text in (("plain", number), ("spaced", " ".join(grouped)), ("dashed", "-".join(grouped))):
            out.append(
                {
                    "kind": f"card/{network}/{fmt}",
                    "before": "",
                    "secret": text,
                    "after": "",
                    "placeholder": "[card]",
                    "cores": [number],
                }
            )
    for address in ("jane.doe@example.com", "first.last+shop@mail.example.co.uk", "JANE_DOE99@EXAMPLE.IO"):
        out.append({"kind": "email", "before": "", "secret": address, "after": "", "placeholder": "[email]"})
    for before, token in (
        ("Bearer ", "abcDEF1234567890xyz"),
        ("bearer ", "q8Zr-0x_Lm3.tUv"),
        ("Basic ", "dXNlcjpodW50ZXIy"),
    ):
        out.append(
            {
                "kind": f"auth/{before.strip().lower()}",
                "before": before,
                "secret": token,
                "after": "",
                "placeholder": "[redacted]",
            }
        )
    out.append({"kind": "jwt", "before": "", "secret": JWT, "after": "", "placeholder": "[jwt]"})
    keys = {
        "stripe-live": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "stripe-test": "sk_test_" + "51HxYzAbCdEfGh0123456789",
        "stripe-restricted": "rk_live_" + "9aZ8bY7cX6dW5eV4",
        "github-classic": "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        "github-oauth": "gho_" + "16C7e42F292c6912E7710c838347Ae178B4a",
        "github-fine-grained": "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH",
        "aws-access-key": "AKIA" + "IOSFODNN7EXAMPLE",
        "aws-session-key": "ASIA" + "Y34FZKBOKMUTVV7A",
        "slack-bot": "xoxb-" + "17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
        "slack-user": "xoxp-" + "23984754863-2348975623103",
        "slack-app": "xoxa-" + "2-abcdef0123456789",
        "google-api": "AIza" + "SyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
        "gitlab": "glpat-" + "xR9bK2mN4pQ7sT1vW3yZ",
        "npm": "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
        "openai": "sk-proj-" + "Ab12Cd34Ef56Gh78Ij90Kl12",
    }
    for name, key in keys.items():
        out.append({"kind": f"key/{name}", "before": "", "secret": key, "after": "", "placeholder": "[key]"})
    for before, secret, after, core in (
        ("https://", "admin:Hunter2pass", "@api.example.net/v1", "Hunter2pass"),
        ("ftp://", "bob:pw-1234x", "@files.example.com/", "pw-1234x"),
        ("https://", "ghtokenvalue9", "@git.example.com/org/repo.git", "ghtokenvalue9"),
    ):
        out.append(
            {
                "kind": "userinfo",
                "before": before,
                "secret": secret,
                "after": after,
                "placeholder": "[redacted]",
                "cores": [core],
            }
        )
    named = [
        ("query/password", "?page=2&password=", "&sort=asc"),
        ("query/access_token", "?access_token=", ""),
        ("query/api_key", "?api_key=", "&v=3"),
        ("query/code", "?code=", "&state=xyz"),
        ("form/token", "user=jane&token=", "&remember=1"),
        ("form/secret", "client_id=app&client_secret=", ""),
        ("form/cookie", "cookie=", ""),
        ("form/session", "session=", "&lang=en"),
        ("form/authorization", "authorization=", ""),
        ("json/password", '{"user":"jane","password":"', '"}'),
        ("json/apiKey", '{"apiKey": "', '", "n": 2}'),
        ("json/sessionId", '{"sessionId":"', '"}'),
        ("json/pin-number", '{"pin": ', "}"),
        ("header-line/x-api-key", "X-Api-Key: ", ""),
        ("cookie-string/sid", "theme=dark; sid=", "; lang=en"),
    ]
    for kind, before, after in named:
        value = "482915" if "pin" in kind else FAKE_VALUE
        out.append(
            {
                "kind": f"named/{kind}",
                "before": before,
                "secret": value,
                "after": after,
                "placeholder": "[redacted]",
            }
        )
    out.append(
        {
            "kind": "named/json/spaces",
            "before": '{"password":"',
            "secret": "correct horse battery",
            "after": '"}',
            "placeholder": "[redacted]",
        }
    )
    return out


NEGATIVES = [
    "1795383655820",
    "saved at 1795383655820",
    '{"createdAt":1795383655820,"updatedAt":1795383655820}',
    "https://cdn.example.com/app.js?v=1795383655820:12:5",
    "/api/events?since=1795383655820&until=1795383656820",
    "order 1000000000009",
    "v4-1795383655820-8517139417294",
    "v4-1615505242680-6959433057081",
    "v3-1615505242680-4222222222222",
    "1795383655820123",
    "1795383655820123456",
    "1795383655820 1795383655821",
    "123e4567-e89b-12d3-a456-426614174000",
    "98965873-0775-4337-98c9-c65acc700a17",
    "60574926-0007-4320-981b-1b0db62a879c",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "ab4111111111111111cd",
    "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "0.4111111111111111",
    "4111111111111111.25",
    "v2.11.0-rc.1",
    "Chrome/120.0.6099.109 Safari/537.36",
    "+1 415 555 0100",
    "192.168.100.200",
    "Pages: 1 2 3 4 5 6 7 8 9 10 11 12",
    "ISBN 978-3-16-148410-0",
    "2026-12-01T16:41:08.123Z",
    "4111 1111 1111 1112",
    "4222222222223",
    "Pay with the card ending 1111",
    "logo@2x.png",
    "@media (max-width: 600px)",
    "npm i @scope/pkg@1.2.3",
    "Basic plan",
    "Bearer of bad news",
    "author: Jane Smith",
    "key features",
    "Total: 42.50 EUR",
    "https://shop.example.com/orders/1000000000009?tab=items#summary",
    "user_id=8812&page=3",
    '{"status":"ok","count":12}',
]


def _json(text: str) -> str:
    return json.dumps(text)[1:-1].replace("/", "\\/")


def _json_unicode(text: str) -> str:
    return "".join(c if c.isalnum() else f"\\u{ord(c):04x}" for c in text)


def _html_numeric(text: str) -> str:
    return "".join(c if c.isalnum() else f"&#{ord(c)};" for c in text)


def _html_named(text: str) -> str:
    named = {" ": "&nbsp;", "@": "&commat;", "=": "&equals;", ":": "&colon;", "/": "&sol;", ".": "&period;"}
    return "".join(named.get(c, c) for c in html.escape(text))


ENCODINGS = {
    "typed": lambda t: t,
    "percent": lambda t: quote(t, safe=""),
    "form": lambda t: quote_plus(t, safe=""),
    "percent-twice": lambda t: quote(quote(t, safe=""), safe=""),
    "json": _json,
    "json-twice": lambda t: json.dumps(json.dumps(t)[1:-1])[1:-1],
    "json-in-percent": lambda t: quote(json.dumps(t)[1:-1], safe=""),
    "json-unicode": _json_unicode,
    "html-numeric": _html_numeric,
    "html-named": _html_named,
}
SPLIT_ENCODINGS = ("typed", "percent")


def encoded_kinds() -> list[dict]:
    """One entry per kind: what must never survive (every encoding of the secret), then its encodings."""
    out = []
    for kind in kinds():
        cores = kind.get("cores", [])
        entry = {
            "kind": kind["kind"],
            "forbidden": sorted({enc(s) for enc in ENCODINGS.values() for s in [kind["secret"], *cores]}),
            "encodings": [],
        }
        for name, enc in ENCODINGS.items():
            before, secret, after = enc(kind["before"]), enc(kind["secret"]), enc(kind["after"])
            entry["encodings"].append(
                {
                    "encoding": name,
                    "text": before + secret + after,
                    "masked": before + kind["placeholder"] + after,
                }
            )
            if name in SPLIT_ENCODINGS:
                cut = len(secret) // 2
                entry["encodings"].append(
                    {
                        "encoding": f"{name}+split",
                        "parts": [before + secret[:cut], secret[cut:] + after],
                        "masked_parts": [before + kind["placeholder"], after],
                        "also_forbidden": [secret[:cut], secret[cut:]],
                    }
                )
        out.append(entry)
    return out


def encoded_negatives() -> list[dict]:
    out = []
    for text in NEGATIVES:
        for name in ("typed", "percent", "json", "html-numeric"):
            out.append({"encoding": name, "text": ENCODINGS[name](text)})
    return out


S = "{{TEXT}}"
S1, S2 = "{{PART1}}", "{{PART2}}"
URL = "https://app.example.com/search?q={{TEXT}}"


def _element(tag, attributes, children, node_id):
    return {"type": 2, "tagName": tag, "attributes": attributes, "childNodes": children, "id": node_id}


def _snapshot(body_children, head_children=()):
    head = _element("head", {}, list(head_children), 3)
    body = _element("body", {}, body_children, 4)
    html_node = _element("html", {}, [head, body], 2)
    return {
        "type": 2,
        "data": {
            "node": {"type": 0, "childNodes": [html_node], "id": 1},
            "initialOffset": {"left": 0, "top": 0},
        },
        "timestamp": 1795383655820,
    }


def _attribute_place(name, value):
    return _snapshot([_element("a" if name in ("href", "title") else "div", {name: value}, [], 10)])


def _request(**fields):
    request = {
        "url": "https://api.example.com/items",
        "name": "https://api.example.com/items",
        "method": "GET",
        "status": 200,
        "initiatorType": "fetch",
        "startTime": 10,
        "endTime": 20,
        "requestHeaders": {"accept": "application/json"},
        "responseHeaders": {"content-type": "text/plain"},
    }
    request.update(fields)
    return {
        "type": 6,
        "timestamp": 1795383655820,
        "data": {"plugin": "rrweb/network@1", "payload": {"requests": [request]}},
    }


def _custom(tag, payload):
    return {"type": 5, "timestamp": 1795383655820, "data": {"tag": tag, "payload": payload}}


def _mutation(**fields):
    data = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": []}
    data.update(fields)
    return {"type": 3, "timestamp": 1795383655820, "data": data}


def places() -> list[dict]:
    p = [
        {
            "place": "dom/text",
            "split": True,
            "event": _snapshot(
                [
                    _element(
                        "p",
                        {},
                        [{"type": 3, "textContent": S1, "id": 11}, {"type": 3, "textContent": S2, "id": 12}],
                        10,
                    )
                ]
            ),
        },
        {
            "place": "dom/text-and-inline-element",
            "split": True,
            "event": _snapshot(
                [
                    _element(
                        "p",
                        {},
                        [
                            {"type": 3, "textContent": S1, "id": 11},
                            _element("b", {"class": "hl"}, [{"type": 3, "textContent": S2, "id": 13}], 12),
                        ],
                        10,
                    )
                ]
            ),
        },
        {
            "place": "dom/highlighted-code",
            "split": True,
            "event": _snapshot(
                [
                    _element(
                        "pre",
                        {},
                        [
                            _element(
                                "span", {"class": "tok"}, [{"type": 3, "textContent": S1, "id": 12}], 11
                            ),
                            _element(
                                "span", {"class": "tok"}, [{"type": 3, "textContent": S2, "id": 14}], 13
                            ),
                        ],
                        10,
                    )
                ]
            ),
        },
        {
            "place": "dom/title",
            "event": _snapshot([], [_element("title", {}, [{"type": 3, "textContent": S, "id": 9}], 8)]),
        },
        {"place": "mutation/text", "event": _mutation(texts=[{"id": 11, "value": S}])},
        {
            "place": "mutation/add",
            "split": True,
            "event": _mutation(
                adds=[
                    {"parentId": 10, "nextId": 13, "node": {"type": 3, "textContent": S1, "id": 12}},
                    {"parentId": 10, "nextId": None, "node": {"type": 3, "textContent": S2, "id": 13}},
                ]
            ),
        },
        {
            # rrweb sends an added subtree flat: <p>PART1<span>PART2</span></p> as four adds.
            "place": "mutation/add-inline-element",
            "split": True,
            "event": _mutation(
                adds=[
                    {"parentId": 4, "nextId": None, "node": _element("p", {}, [], 10)},
                    {"parentId": 10, "nextId": 12, "node": {"type": 3, "textContent": S1, "id": 11}},
                    {"parentId": 10, "nextId": None, "node": _element("span", {"class": "tok"}, [], 12)},
                    {"parentId": 12, "nextId": None, "node": {"type": 3, "textContent": S2, "id": 13}},
                ]
            ),
        },
        {
            "place": "mutation/add-element",
            "event": _mutation(
                adds=[
                    {
                        "parentId": 4,
                        "nextId": None,
                        "node": _element("span", {"title": S}, [{"type": 3, "textContent": S, "id": 21}], 20),
                    }
                ]
            ),
        },
        {
            "place": "mutation/attribute",
            "event": _mutation(attributes=[{"id": 10, "attributes": {"data-echo": S, "href": URL}}]),
        },
        {
            "place": "input",
            "event": {
                "type": 3,
                "timestamp": 1795383655820,
                "data": {"source": 5, "id": 10, "text": S, "isChecked": False},
            },
        },
        {
            "place": "page/meta-href",
            "event": {
                "type": 4,
                "timestamp": 1795383655820,
                "data": {"href": URL, "width": 1280, "height": 800},
            },
        },
        {
            "place": "page/route",
            "event": _custom("sr.route", {"from": "https://app.example.com/", "to": URL, "how": "pushState"}),
        },
        {
            "place": "page/env",
            "event": _custom("sr.env", {"url": URL, "title": S, "referrer": "", "browser": "Chrome 120"}),
        },
        {"place": "network/url+name", "event": _request(url=URL, name=URL)},
        {"place": "network/name", "event": _request(name=URL)},
        {
            "place": "network/request-header-value",
            "event": _request(requestHeaders={"accept": S, "x-request-id": S}),
        },
        {
            "place": "network/response-header-value",
            "event": _request(responseHeaders={"content-type": S, "server-timing": S}),
        },
        {"place": "network/request-body", "event": _request(method="POST", requestBody=S)},
        {"place": "network/response-body", "event": _request(responseBody=S)},
        {
            "place": "console/args",
            "event": {
                "type": 6,
                "timestamp": 1795383655820,
                "data": {
                    "plugin": "rrweb/console@1",
                    "payload": {"level": "info", "payload": ['"echo"', S], "trace": [f"at echo ({URL}:1:2)"]},
                },
            },
        },
        {
            "place": "error/message+stack",
            "event": _custom(
                "sr.error",
                {
                    "kind": "error",
                    "message": S,
                    "source": URL,
                    "line": 1,
                    "column": 2,
                    "stack": f"Error: {S}\n    at echo ({URL}:1:2)",
                },
            ),
        },
        {"place": "custom/payload", "event": _custom("app.echo", {"value": S, "nested": [{"deep": S}]})},
    ]
    for name in (
        "value",
        "href",
        "src",
        "title",
        "alt",
        "placeholder",
        "aria-label",
        "aria-description",
        "data-echo",
    ):
        value = URL if name in ("href", "src") else S
        p.append({"place": f"dom/attribute/{name}", "event": _attribute_place(name, value)})
    return p


MASK_ALL = [
    {
        "event": _snapshot(
            [
                _element(
                    "p",
                    {"title": "Jane Smith", "href": "https://shop.example.com/u/jane?tab=1"},
                    [{"type": 3, "textContent": "Hello Jane", "id": 11}],
                    10,
                )
            ],
            [_element("title", {}, [{"type": 3, "textContent": "Orders of Jane", "id": 9}], 8)],
        ),
        "expected": _snapshot(
            [
                _element(
                    "p",
                    {"title": "**** *****", "href": "https://shop.example.com/*/****?***=*"},
                    [{"type": 3, "textContent": "***** ****", "id": 11}],
                    10,
                )
            ],
            [_element("title", {}, [{"type": 3, "textContent": "****** ** ****", "id": 9}], 8)],
        ),
    },
    {
        "event": {
            "type": 4,
            "timestamp": 1,
            "data": {"href": "https://shop.example.com/orders/981?q=jane", "width": 1, "height": 1},
        },
        "expected": {
            "type": 4,
            "timestamp": 1,
            "data": {"href": "https://shop.example.com/******/***?*=****", "width": 1, "height": 1},
        },
    },
    {
        "event": _custom(
            "sr.route",
            {"from": "https://a.example/x", "to": "https://a.example/users/jane", "how": "pushState"},
        ),
        "expected": _custom(
            "sr.route",
            {"from": "https://a.example/*", "to": "https://a.example/*****/****", "how": "pushState"},
        ),
    },
    {
        "event": _custom(
            "sr.env", {"url": "https://a.example/p?id=7", "title": "Jane's orders", "browser": "Chrome 120"}
        ),
        "expected": _custom(
            "sr.env", {"url": "https://a.example/*?**=*", "title": "****** ******", "browser": "Chrome 120"}
        ),
    },
    {
        "event": _request(
            url="https://api.example.com/users/jane", name="https://api.example.com/users/jane"
        ),
        "expected": _request(
            url="https://api.example.com/*****/****", name="https://api.example.com/*****/****"
        ),
    },
    {
        "event": _mutation(texts=[{"id": 9, "value": "New title"}]),
        "expected": _mutation(texts=[{"id": 9, "value": "*** *****"}]),
    },
]


def main() -> None:
    files = {
        "secrets.json": encoded_kinds(),
        "negatives.json": encoded_negatives(),
        "places.json": places(),
        "mask_all.json": MASK_ALL,
    }
    for name, data in files.items():
        (HERE / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
