"""Agent-browser helpers for the live view and replay page tests: sign in, read the replay iframe."""

from __future__ import annotations

import time

from tests.helpers import live
from tests.support.waiting import wait_for


def sign_in(driver, base_url: str, user) -> None:
    """Give the browser a Django session for `user` (made in the shared test database)."""
    cookie = live.session_cookie(user)
    driver.get(f"{base_url}/healthz")
    driver.add_cookie({"name": "sessionid", "value": cookie, "path": "/"})


IFRAME_JS = """
const frame = document.querySelector('[data-stage] iframe');
const doc = frame && frame.contentDocument;
if (!doc) return null;
const el = doc.querySelector(arguments[0]);
if (!el) return null;
return arguments[1] === 'value' ? el.value : el.textContent;
"""


def iframe_text(driver, selector: str) -> str | None:
    return driver.execute_script(IFRAME_JS, selector, "text")


def iframe_value(driver, selector: str) -> str | None:
    return driver.execute_script(IFRAME_JS, selector, "value")


def poll(probe, timeout: float, interval: float = 0.03):
    """Poll until truthy; returns (value, seconds waited). Fails after timeout."""
    start = time.monotonic()
    value = wait_for(probe, timeout, interval)
    return value, time.monotonic() - start


def panel_rows(driver, name: str) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll(`[data-rows='${arguments[0]}'] > li:not(.rows-empty)`)]"
        ".map(li => (li.classList.contains('failed') ? 'FAILED ' : '') + li.textContent)",
        name,
    )


def agent_page_errors(driver) -> list[str]:
    """Console messages of the agent's page that are errors (CSP reports, exceptions)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
