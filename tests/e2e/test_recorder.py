"""The whole recorder path in a real browser: consent credential -> demo shop -> Redis stream.

One recording (module fixture) drives the demo like a customer would: two tabs, clicks, typing secrets,
a client-side route change, a thrown error, a failed payment and a full page navigation. The tests then
check what reached Redis, and what did not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from sessions.events import CONSOLE_PLUGIN, NETWORK_PLUGIN, EventType, IncrementalSource
from supportreplay.redis_client import get_redis
from tests.e2e.conftest import banner_text, click, redis_raw_dump, stream_batches, wait_for
from tests.helpers.browser import make_driver
from tests.helpers.processes import spawn_daphne

# The mark makes pytest-django create the test database the module fixture and daphne share.
pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

PASSWORD = "Hunter2-Correct-Horse"
CARD = "4111 1111 1111 1111"
EMAIL = "jane.customer@example.org"
NAME = "Jane Customer"


@dataclass
class Recording:
    credential: str
    session_id: Any
    batches: list
    raw_redis: bytes
    page_urls: list[str]
    tab_ids: set[str]

    def events(self, tab: str | None = None) -> list[dict]:
        return [e for b in self.batches if tab is None or b.tab == tab for e in b.events]

    def custom(self, tag: str) -> list[dict]:
        return [
            e["data"]["payload"]
            for e in self.events()
            if e["type"] == EventType.CUSTOM and e["data"]["tag"] == tag
        ]

    def plugin(self, name: str) -> list[dict]:
        return [
            e["data"]["payload"]
            for e in self.events()
            if e["type"] == EventType.PLUGIN and e["data"]["plugin"] == name
        ]


def _drive_shop(driver, base: str, credential: str) -> list[str]:
    urls = []
    driver.get(f"{base}/demo/#sr={credential}")
    wait_for(lambda: "Sharing this tab" in banner_text(driver), message="banner shows")
    urls.append(driver.current_url)
    click(driver, "add-espresso")
    click(driver, "add-grinder")
    click(driver, "view-cart")
    wait_for(lambda: driver.current_url.endswith("/demo/cart"), message="client-side route to the cart")
    click(driver, "throw")
    click(driver, "checkout-link")
    wait_for(lambda: driver.current_url.endswith("/demo/checkout"), message="checkout page")
    wait_for(lambda: "Sharing this tab" in banner_text(driver), message="banner on the second page")
    urls.append(driver.current_url)
    driver.find_element(By.ID, "name").send_keys(NAME)
    driver.find_element(By.ID, "email").send_keys(EMAIL)
    driver.find_element(By.ID, "card").send_keys(CARD)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    click(driver, "pay")
    wait_for(lambda: driver.find_element(By.ID, "pay-status").is_displayed(), message="payment error shown")
    return urls


@pytest.fixture(scope="module")
def recording(django_db_setup, django_db_blocker) -> Recording:
    from tests.sessions.factories import make_session

    redis = get_redis()
    redis.flushdb()
    proc = spawn_daphne()
    driver = make_driver()
    live = None
    try:
        with django_db_blocker.unblock():
            live = make_session(f"{proc.url}/demo/")
        urls = _drive_shop(driver, proc.url, live.credential)
        # A second tab joins the same session with the same consented link.
        driver.switch_to.new_window("tab")
        driver.get(f"{proc.url}/demo/#sr={live.credential}")
        wait_for(lambda: "Sharing this tab" in banner_text(driver), message="banner in the second tab")
        click(driver, "add-mug")
        urls.append(driver.current_url)

        def settled():
            batches = stream_batches(live.id)
            tabs = {b.tab for b in batches}
            has_pay = any(
                r.get("status") == 500
                for b in batches
                for e in b.events
                if e["type"] == EventType.PLUGIN and e["data"]["plugin"] == NETWORK_PLUGIN
                for r in e["data"]["payload"]["requests"]
            )
            fulls = sum(1 for b in batches for e in b.events if e["type"] == EventType.FULL_SNAPSHOT)
            return len(tabs) == 2 and has_pay and fulls >= 3 and batches

        batches = wait_for(settled, timeout=15, message="stream holds both tabs and the failed payment")
        return Recording(
            credential=live.credential,
            session_id=live.id,
            batches=batches,
            raw_redis=redis_raw_dump(redis),
            page_urls=urls,
            tab_ids={b.tab for b in batches},
        )
    except Exception:
        print(proc.log())
        if live is not None:
            for b in stream_batches(live.id):
                kinds = [
                    (e["type"], (e.get("data") or {}).get("plugin") or (e.get("data") or {}).get("tag"))
                    for e in b.events
                ]
                print("batch", b.tab, b.seq, kinds[:12])
            print("browser log", driver.get_log("browser")[-20:])
        raise
    finally:
        driver.quit()
        proc.stop()
        redis.flushdb()
        if live is not None:
            with django_db_blocker.unblock():
                live.session.delete()
                live.link.delete()
                live.link.created_by.delete()


def test_each_page_of_each_tab_starts_with_meta_and_full_snapshot(recording):
    metas = [e for e in recording.events() if e["type"] == EventType.META]
    hrefs = sorted(e["data"]["href"].rsplit("/", 1)[-1] for e in metas)
    assert hrefs == ["", "", "checkout"], "one meta per page load: shop, checkout, shop in tab 2"
    for tab in recording.tab_ids:
        types = [e["type"] for e in recording.events(tab)]
        first_full = types.index(EventType.FULL_SNAPSHOT)
        assert EventType.META in types[:first_full], "a meta event precedes the full snapshot"
    assert sum(1 for e in recording.events() if e["type"] == EventType.FULL_SNAPSHOT) >= 3


def test_seqs_of_every_tab_are_contiguous_and_stored_once(recording):
    assert len(recording.tab_ids) == 2
    for tab in recording.tab_ids:
        seqs = [b.seq for b in recording.batches if b.tab == tab]
        assert seqs == list(range(len(seqs))), f"tab {tab}: {seqs}"


def test_clicks_typing_route_change_and_error_are_recorded(recording):
    incremental = [e["data"] for e in recording.events() if e["type"] == EventType.INCREMENTAL_SNAPSHOT]
    clicks = [d for d in incremental if d["source"] == IncrementalSource.MOUSE_INTERACTION and d["type"] == 2]
    inputs = [d for d in incremental if d["source"] == IncrementalSource.INPUT]
    assert len(clicks) >= 6
    assert inputs
    assert all(set(d["text"]) <= {"*"} for d in inputs), "typed values are masked"
    routes = recording.custom("sr.route")
    assert any(r["to"].endswith("/demo/cart") and r["how"] == "pushState" for r in routes)
    errors = recording.custom("sr.error")
    assert any(e["kind"] == "error" and "discount" in e["message"] and e["stack"] for e in errors)


def test_console_and_network_plugin_events_are_recorded(recording):
    logs = recording.plugin(CONSOLE_PLUGIN)
    levels = {log["level"] for log in logs}
    assert {"log", "info", "error"} <= levels
    assert any("Added to cart" in " ".join(log["payload"]) for log in logs)
    assert any("Payment failed" in " ".join(log["payload"]) for log in logs)
    requests = [r for payload in recording.plugin(NETWORK_PLUGIN) for r in payload["requests"]]
    pay = [r for r in requests if r["url"].endswith("/demo/api/pay")]
    assert pay
    assert pay[0]["status"] == 500
    assert pay[0]["method"] == "POST"
    assert any(r["url"].endswith("/demo/api/products") and r["status"] == 200 for r in requests)
    assert not any("/static/recorder/" in r["url"] or "/ws/ingest/" in r["url"] for r in requests)


def test_environment_and_web_vitals_are_recorded_without_the_credential(recording):
    envs = recording.custom("sr.env")
    assert len(envs) == 3, "one per page load"
    env = envs[0]
    assert env["browser"].startswith("Chrome")
    assert env["viewport"]["width"] > 0
    assert env["dpr"] >= 1
    assert env["timezone"]
    assert env["languages"]
    assert env["url"].endswith("/demo/")
    assert "sr=" not in env["url"]
    vitals = {v["name"] for v in recording.custom("sr.vitals")}
    assert vitals & {"TTFB", "FCP"}, f"early web vitals are reported: {vitals}"


def test_typed_password_card_and_email_appear_nowhere_in_redis(recording):
    raw = recording.raw_redis
    assert raw, "the dump is not empty"
    for secret in (PASSWORD, CARD, CARD.replace(" ", ""), EMAIL, NAME):
        assert secret.encode() not in raw, f"{secret!r} leaked into Redis"
    # The page echoed the email as text and logged it: both were masked in the browser.
    assert b"[email]" in raw


def test_banner_is_not_part_of_the_recording(recording):
    assert b"Sharing this tab" not in recording.raw_redis
    assert b"Stop sharing" not in recording.raw_redis


def test_credential_never_appears_in_a_recorded_url_or_the_address_bar(recording):
    assert recording.credential.encode() not in recording.raw_redis
    signature = recording.credential.rsplit(":", 1)[-1].encode()
    assert signature not in recording.raw_redis
    assert all("sr=" not in url for url in recording.page_urls)
