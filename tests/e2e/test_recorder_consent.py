"""The real way in: a customer opens a magic link, accepts, and the demo shop records them."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from magiclinks.models import ConsentDecision
from sessions.events import EventType
from sessions.models import SessionState
from tests.e2e.conftest import click, stream_batches, wait_for
from tests.e2e.consent_helpers import accept_demo_link

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_accepting_a_magic_link_lands_on_the_demo_recording_without_credential_in_the_url(
    daphne_server, browser, agent_user
):
    _, session = accept_demo_link(browser, agent_user, daphne_server.url)
    assert browser.current_url == f"{daphne_server.url}/demo/"
    assert session.state == SessionState.LIVE
    assert session.consent.decision == ConsentDecision.ACCEPTED
    click(browser, "add-scale")
    batches = wait_for(
        lambda: [
            b
            for b in stream_batches(session.id)
            if any(e["type"] == EventType.FULL_SNAPSHOT for e in b.events)
        ],
        message="a full snapshot of the demo page in the session's stream",
    )
    meta = next(e for b in batches for e in b.events if e["type"] == EventType.META)
    assert meta["data"]["href"] == f"{daphne_server.url}/demo/"
    assert browser.find_element(By.ID, "cart-count").text == "1"
