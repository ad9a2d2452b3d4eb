"""Form controls in the agent's view are the customer's state or visibly masked, never a plausible default:
in the full snapshot a joining agent gets, in incremental changes, and after a new full snapshot."""

from __future__ import annotations

import contextlib

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e.fidelity_helpers import change_controls, controls, mismatches, open_prefs
from tests.e2e.live_helpers import poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def agree(customer_driver, agent_driver, **expected) -> list[str]:
    """Poll until the agent's controls match (and show `expected`); returns what is still wrong."""
    last: list[list[str]] = [["no replay yet"]]

    def probe():
        replay = controls(agent_driver, "replay")
        last[0] = mismatches(controls(customer_driver, "page"), replay) if replay else ["no replay yet"]
        last[0] += [
            f"{k}: {replay[k]['shown']!r}" for k, v in expected.items() if replay and replay[k]["shown"] != v
        ]
        return not last[0]

    with contextlib.suppress(AssertionError):
        poll(probe, timeout=8, interval=0.2)
    return last[0]


def test_controls_are_true_or_visibly_masked_in_snapshots_and_increments(customer, browser, daphne_server):
    base = daphne_server.url
    recording = open_prefs(customer, base)
    change_controls(customer)

    sign_in(browser, base, live.make_agent())
    browser.get(f"{base}/sessions/{recording.id}/live")
    # 1. The join: a full snapshot taken after the customer changed everything.
    assert agree(customer, browser) == []
    shown = controls(browser, "replay")
    assert shown["plan"]["shown"] == "****** (masked)"
    assert shown["country"]["shown"] == "****** (masked)"
    assert shown["news"]["shown"] is False  # ticked in the page's HTML, unticked by the customer
    assert shown["terms"]["shown"] is True
    assert shown["ship-exp"]["shown"] is True
    assert shown["ship-std"]["shown"] is False
    for name in ("volume", "qty", "when", "tint"):
        assert shown[name]["masked"], name
    assert shown["note"]["shown"] == "*" * 16

    # 2. Incremental changes while the agent watches.
    customer.find_element(By.ID, "news").click()
    customer.find_element(By.ID, "ship-std").click()
    Select(customer.find_element(By.ID, "country")).select_by_visible_text("Choose…")
    assert agree(customer, browser, country="Choose…") == []
    shown = controls(browser, "replay")
    assert shown["news"]["shown"] is True
    assert shown["ship-std"]["shown"] is True
    assert shown["country"]["shown"] == "Choose…"  # an empty value is not a secret: shown as it is
    Select(customer.find_element(By.ID, "plan")).select_by_visible_text("Pro")
    customer.find_element(By.ID, "terms").click()
    assert agree(customer, browser, terms=False) == []
    assert controls(browser, "replay")["plan"]["shown"] == "****** (masked)"

    # 3. A new full snapshot (a second join) replays the same states.
    browser.refresh()
    assert agree(customer, browser, terms=False, country="Choose…") == []
    assert controls(browser, "replay")["terms"]["shown"] is False
    browser.save_screenshot("/tmp/sr-fidelity-forms-live.png")
    customer.save_screenshot("/tmp/sr-fidelity-forms-customer.png")
