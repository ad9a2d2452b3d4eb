"""A support server that dies mid-session loses nothing: the recorder keeps unacked batches (in memory,
and in sessionStorage across page navigations), reconnects with backoff and resends from `ready.acked + 1`.

Like production, the shop (one daphne) and the support server (another daphne, serving the loader and
the ingest socket) are separate origins, so the shop keeps working while the support server is down.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from sessions.events import CONSOLE_PLUGIN, EventType
from tests.e2e.conftest import banner_text, click, stream_batches, wait_for
from tests.helpers.processes import spawn_daphne

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def _added_to_cart_logs(batches) -> list[str]:
    return [
        " ".join(e["data"]["payload"]["payload"])
        for b in batches
        for e in b.events
        if e["type"] == EventType.PLUGIN
        and e["data"]["plugin"] == CONSOLE_PLUGIN
        and "Added to cart" in " ".join(e["data"]["payload"]["payload"])
    ]


def _caught_up(browser, session_id):
    """The stored batches, once the stream holds every seq the tab has numbered."""
    next_seq = browser.execute_script("return Number(sessionStorage.getItem('sr.seq'))")
    batches = stream_batches(session_id)
    return batches if next_seq and len(batches) == next_seq else None


def test_killing_the_support_server_mid_session_loses_no_batch_even_across_navigations(
    browser, consented_session, redis_db
):
    support = spawn_daphne()
    procs = [support]
    try:
        shop = spawn_daphne(SUPPORTREPLAY_PUBLIC_URL=support.url)
        procs.append(shop)
        live = consented_session(f"{shop.url}/demo/")
        browser.get(f"{shop.url}/demo/#sr={live.credential}")
        wait_for(lambda: "Sharing this tab" in banner_text(browser), message="banner shows")
        click(browser, "add-espresso")
        wait_for(lambda: _added_to_cart_logs(stream_batches(live.id)), message="first click stored")

        # Deadlines allow for the recorder's reconnect backoff (up to 30 s between tries) on busy cores.
        # 1. The socket dies (SIGKILL: no close frame) while the customer keeps clicking on the same page.
        support.kill()
        click(browser, "add-filter")
        procs.append(support := spawn_daphne(port=support.port))
        wait_for(lambda: len(_added_to_cart_logs(_caught_up(browser, live.id) or [])) == 2, timeout=60)

        # 2. It dies again, and the customer navigates while batches are unacked: they wait in
        # sessionStorage (the checkout page cannot even load the loader) until a later page resends them.
        support.kill()
        click(browser, "add-grinder")
        click(browser, "add-kettle")
        click(browser, "checkout-link")
        wait_for(lambda: browser.current_url.endswith("/demo/checkout"))
        pending = browser.execute_script(
            "return JSON.parse(sessionStorage.getItem('sr.outbox')).items.length"
        )
        assert pending >= 1
        procs.append(spawn_daphne(port=support.port))
        browser.find_element(By.LINK_TEXT, "Shop").click()
        wait_for(
            lambda: "Sharing this tab" in banner_text(browser), message="recording again on the next page"
        )

        def complete():
            batches = _caught_up(browser, live.id) or []
            fulls = sum(1 for b in batches for e in b.events if e["type"] == EventType.FULL_SNAPSHOT)
            return batches if fulls >= 2 and len(_added_to_cart_logs(batches)) == 4 else None

        batches = wait_for(complete, timeout=60, message="every batch stored, the third page's snapshot too")
        assert {b.tab for b in batches} == {batches[0].tab}
        assert [b.seq for b in batches] == list(range(len(batches))), "contiguous, each seq once"
        assert len(_added_to_cart_logs(batches)) == 4, "the clicks made while the server was down"
        fulls = [b for b in batches if any(e["type"] == EventType.FULL_SNAPSHOT for e in b.events)]
        assert fulls[0] is batches[0], "the first page starts with its snapshot"
        last_click = max(b.seq for b in batches if _added_to_cart_logs([b]))
        # The third page's snapshot follows every click of the first page (the second had no recorder).
        # After the outage the third page sometimes takes one more checkout a few ms after its first
        # (seen before this change too; no batch is refused or lost): more than one snapshot there is fine.
        assert all(b.seq > last_click for b in fulls[1:]), "no snapshot from the checkout page"
    finally:
        for proc in procs:
            proc.stop()
