"""End-to-end fixtures and helpers: a real daphne, consented sessions, Redis and banner inspection.

Generic on purpose (the live-view tests use them too):
- `daphne_server`: a real daphne process on the test database and test Redis (function scope).
- `agent_user`: a logged-in-able user in the "Support agent" group, with a random password.
- `customer`: a second Chromium (1200x900) for the customer's side of a live test.
- `consented_session`: factory `(target_url, **link_fields) -> LiveSession` (link + live session +
  recording credential, straight through the ORM).
- `wait_for`, `stream_batches`, `redis_raw_dump`, `banner_text`, `click_banner_button`: plain helpers.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.helpers.processes import Proc, spawn_daphne
from tests.support.waiting import wait_for  # noqa: F401  (e2e tests import it from here)


@pytest.fixture
def daphne_server(redis_db) -> Iterator[Proc]:
    proc = spawn_daphne()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def customer():
    from tests.helpers.browser import make_driver

    driver = make_driver(1200, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def agent_user(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.create_user(
        f"agent-{secrets.token_hex(3)}", "agent@example.com", password, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Support agent"))
    user.plain_password = password
    return user


@pytest.fixture
def consented_session(db):
    from tests.sessions.factories import make_session

    def make(target_url: str, **link_fields):
        return make_session(target_url, **link_fields)

    return make


def stream_batches(session_id) -> list:
    from sessions.store import read_events

    return list(read_events(session_id))


def all_events(session_id) -> list[dict[str, Any]]:
    return [event for batch in stream_batches(session_id) for event in batch.events]


def redis_raw_dump(client) -> bytes:
    """Every key name and every raw value in the (test) Redis DB, concatenated, whatever the key type."""
    from sessions.store import plain_ev

    chunks: list[bytes] = []
    for key in client.scan_iter(count=500):
        chunks.append(key)
        kind = client.type(key)
        if kind == b"string":
            chunks.append(client.get(key) or b"")
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                chunks += [field, value]
        elif kind == b"list":
            chunks += client.lrange(key, 0, -1)
        elif kind == b"set":
            chunks += list(client.smembers(key))
        elif kind == b"zset":
            chunks += [m for m, _ in client.zrange(key, 0, -1, withscores=True)]
        elif kind == b"stream":
            for entry_id, fields in client.xrange(key):
                chunks.append(entry_id)
                for field, value in fields.items():
                    # `ev` is stored zstd-compressed when large: search what it holds, not its compression.
                    chunks += [field, plain_ev(value) if field == b"ev" else value]
    return b"\n".join(chunks)


def click(driver, element_id: str) -> None:
    """Scroll an element to the middle of the viewport and click it like a user would."""
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.ID, element_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


# --- the recorder's banner lives in a closed shadow root: reach it through the DevTools protocol -------


def _find(node: dict, predicate: Callable[[dict], bool]) -> dict | None:
    if predicate(node):
        return node
    for child in node.get("children", []) + node.get("shadowRoots", []):
        found = _find(child, predicate)
        if found:
            return found
    return None


def _texts(node: dict) -> list[str]:
    out = [node["nodeValue"]] if node.get("nodeType") == 3 and node.get("nodeValue", "").strip() else []
    for child in node.get("children", []) + node.get("shadowRoots", []):
        if child.get("nodeName") != "STYLE":
            out += _texts(child)
    return out


def _banner_node(driver) -> dict | None:
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    return _find(root, lambda n: n.get("nodeName") == "SR-BANNER")


def banner_text(driver) -> str:
    """The banner's visible text ('' when there is no banner), read through its closed shadow root."""
    node = _banner_node(driver)
    return " ".join(t.strip() for t in _texts(node)) if node else ""


def click_banner_button(driver) -> None:
    """A trusted mouse click in the middle of the banner's button."""
    node = _banner_node(driver)
    assert node, "no banner"
    button = _find(node, lambda n: n.get("nodeName") == "BUTTON")
    quad = driver.execute_cdp_cmd("DOM.getBoxModel", {"backendNodeId": button["backendNodeId"]})["model"][
        "content"
    ]
    x = (quad[0] + quad[4]) / 2
    y = (quad[1] + quad[5]) / 2
    for kind in ("mousePressed", "mouseReleased"):
        driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
        )
