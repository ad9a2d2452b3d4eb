"""The events.json export replays in the stock rrweb-player (its published UMD bundle) in real Chromium."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from selenium.webdriver.support.wait import WebDriverWait

from sessions.archive import service
from tests.magiclinks.factories import make_agent
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

PLAYER = Path(__file__).resolve().parents[2] / "node_modules" / "rrweb-player" / "dist"

LOAD = """
const style = document.createElement('style');
style.textContent = arguments[1];
document.head.appendChild(style);
const script = document.createElement('script');
script.textContent = arguments[0];
document.head.appendChild(script);
"""
PLAY = """
const Player = window.rrwebPlayer.Player || window.rrwebPlayer.default || window.rrwebPlayer;
const props = {events: JSON.parse(arguments[0]), autoPlay: false};
window.player = new Player({target: document.body, props});
window.player.goto(arguments[1], false);
"""
TITLE = """
const iframe = document.querySelector('.rr-player iframe');
const el = iframe && iframe.contentDocument && iframe.contentDocument.getElementById('title');
return el ? el.textContent : null;
"""


def test_events_export_replays_in_rrweb_player(client, redis_db, media, browser):
    user = make_agent(permitted=False, staff=False)
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_recordingsession"))
    client.force_login(user)
    live = make_session()
    ingest(live.credential, checkout_session(minutes=2))
    assert service.archive_session(live.id).status == "archived"
    body = b"".join(client.get(f"/sessions/{live.id}/export/events.json").streaming_content).decode()
    events = json.loads(body)
    texts = [e for e in events if e["type"] == 3 and e["data"].get("source") == 0 and e["data"].get("texts")]
    # The page's heading at 90 s into the session, as the mutations left it.
    at = 90_000
    expected = [e for e in texts if e["timestamp"] - events[0]["timestamp"] <= at][-1]["data"]["texts"][0][
        "value"
    ]

    browser.get("data:text/html,<!doctype html><html><head></head><body></body></html>")
    browser.execute_script(
        LOAD, (PLAYER / "rrweb-player.umd.cjs").read_text(), (PLAYER / "style.css").read_text()
    )
    browser.execute_script(PLAY, body, at)
    title = WebDriverWait(browser, 10).until(lambda d: d.execute_script(TITLE) == expected and expected)
    assert title.startswith("Total ")
