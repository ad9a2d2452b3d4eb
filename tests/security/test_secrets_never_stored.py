"""The link token and the recording credential never land in a stored byte.

A real customer flow in Chromium against a real daphne: open /l/<token>, accept, land on the demo shop
with #sr=<credential>, click around, press Stop in the banner; then the real archive runs. Searched
afterwards: a dump of the whole database, every key and value in Redis (while live and after the
archive), the archive object (raw and decoded), the three exports, daphne's log and this process's log.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from selenium.webdriver.common.by import By

from magiclinks import services as links
from sessions.archive import service, source
from sessions.models import RecordingSession, SessionState
from tests.e2e.conftest import banner_text, click, click_banner_button, redis_raw_dump, wait_for
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_link_token_and_recording_credential_never_reach_storage_exports_or_logs(
    server, browser, redis_db, media, caplog
):
    caplog.set_level(logging.DEBUG)
    for driver_logger in ("selenium", "urllib3"):  # the test's own browser driver logs what it types
        caplog.set_level(logging.WARNING, logger=driver_logger)
    agent = live.make_agent("agent")
    token = links.create_link(agent, target_url=f"{server.url}/demo/", site_origin=server.url).token

    browser.get(f"{server.url}/l/{token}")
    click(browser, "accept")
    wait_for(lambda: "Sharing this tab" in banner_text(browser), timeout=15, message="recording started")
    credential = browser.execute_script("return sessionStorage.getItem('sr.cred')")
    assert len(credential or "") > 20
    assert "sr=" not in browser.current_url, "the loader strips the credential from the URL"
    session = RecordingSession.objects.get()
    click(browser, "add-espresso")
    click(browser, "view-cart")
    browser.find_element(By.TAG_NAME, "body").click()
    wait_for(lambda: redis_db.xlen(f"sr:{{{session.pk}}}:events") >= 2, message="batches stored")
    raw_live = redis_raw_dump(redis_db)
    click_banner_button(browser)
    wait_for(lambda: RecordingSession.objects.get(pk=session.pk).state == SessionState.ENDED, message="ended")
    assert service.archive_session(session.pk).status == "archived"

    session.refresh_from_db()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    archive_files = (media / session.archive.storage_name).read_bytes()
    decoded = json.dumps(list(source.all_events(session))).encode()
    assert b"add-espresso" in decoded or b"Espresso" in decoded, "the search looks at real recorded data"
    exports = Client()
    exports.force_login(agent)
    exported = b"".join(
        b"".join(exports.get(f"/sessions/{session.pk}/export/{name}").streaming_content)
        if name == "events.json"
        else exports.get(f"/sessions/{session.pk}/export/{name}").content
        for name in ("events.json", "network.har", "report.md")
    )
    stored = {
        "database": dump.getvalue().encode(),
        "redis while live": raw_live,
        "redis after archive": redis_raw_dump(redis_db),
        "archive object": archive_files,
        "archive decoded": decoded,
        "exports": exported,
        "daphne log": server.log().encode(),
        "test process log": caplog.text.encode(),
    }
    for where in (
        "database",
        "redis while live",
        "archive object",
        "archive decoded",
        "exports",
        "daphne log",
    ):
        assert stored[where], f"nothing to search in {where}"
    for secret_name, secret in (("link token", token), ("recording credential", credential)):
        for where, blob in stored.items():
            assert secret.encode() not in blob, f"{secret_name} found in {where}"
