"""Captured assets: stored once per session by sha256 within the limits, served only to agents, only as
allow-listed image and font types, never sniffed, never as a document."""

import hashlib
import json

import pytest

from sessions import assets, keys
from tests.magiclinks.factories import make_agent
from tests.sessions.factories import make_session
from tests.support.events import png

pytestmark = pytest.mark.django_db(transaction=True)


def test_limits_are_the_contract_file_the_recorder_builds_in():
    # static/recorder/test/assets.test.js holds the recorder to the same file.
    contract = json.loads(assets.LIMITS_FILE.read_text(encoding="utf-8"))
    assert assets.LIMITS_FILE.parts[-3:] == ("static", "recorder", "asset-limits.json")
    assert assets.ASSET_MAX_BYTES == contract["asset_max_bytes"] == 256 * 1024
    assert assets.SESSION_ASSETS_MAX_COUNT == contract["session_max_count"] == 200
    assert assets.SESSION_ASSETS_MAX_BYTES == contract["session_max_bytes"] == 8 * 1024 * 1024
    assert set(contract["allowed_types"]) == assets.ALLOWED_TYPES
    assert not any(word in t for t in assets.ALLOWED_TYPES for word in ("svg", "html", "css", "script"))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_agent_gets_the_stored_bytes_with_locked_down_headers(agent_client, redis_db):
    session_id = make_session().id
    data = png()
    assert assets.store(session_id, sha(data), "image/PNG; charset=binary", data)
    response = agent_client.get(f"/sessions/{session_id}/assets/{sha(data)}")
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "immutable" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_anonymous_is_sent_to_login_and_a_user_without_the_permission_gets_403(client, redis_db):
    session_id = make_session().id
    data = png()
    assets.store(session_id, sha(data), "image/png", data)
    url = f"/sessions/{session_id}/assets/{sha(data)}"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
    client.force_login(make_agent(permitted=False, staff=False))
    assert client.get(url).status_code == 403


def test_unknown_or_malformed_hash_and_other_sessions_asset_are_404(agent_client, redis_db):
    first, second = make_session().id, make_session().id
    data = png()
    assets.store(first, sha(data), "image/png", data)
    assert agent_client.get(f"/sessions/{first}/assets/{'0' * 64}").status_code == 404
    assert agent_client.get(f"/sessions/{first}/assets/not-a-hash").status_code == 404
    assert agent_client.get(f"/sessions/{first}/assets/{sha(data).upper()}").status_code == 404
    # Stored per session: another session's URL for the same hash does not serve it.
    assert agent_client.get(f"/sessions/{second}/assets/{sha(data)}").status_code == 404


@pytest.mark.parametrize(
    "mime",
    ["text/html", "image/svg+xml", "text/css", "application/javascript", "application/octet-stream", ""],
)
def test_types_outside_the_allow_list_are_refused(redis_db, mime):
    data = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    with pytest.raises(assets.AssetRejected, match="type not allowed"):
        assets.store(make_session().id, sha(data), mime, data)


def test_a_hash_that_does_not_match_the_bytes_is_refused(redis_db):
    data = png()
    with pytest.raises(assets.AssetRejected, match="does not match"):
        assets.store(make_session().id, sha(data + b"x"), "image/png", data)


def test_a_font_is_served_as_a_font(agent_client, redis_db):
    session_id = make_session().id
    data = b"wOF2" + b"\x00" * 60
    assets.store(session_id, sha(data), "font/woff2", data)
    response = agent_client.get(f"/sessions/{session_id}/assets/{sha(data)}")
    assert response.status_code == 200
    assert response["Content-Type"] == "font/woff2"


def test_each_asset_is_stored_once_and_the_limits_hold(redis_db, monkeypatch):
    session_id = make_session().id
    data = png()
    assert assets.store(session_id, sha(data), "image/png", data)
    assert assets.store(session_id, sha(data), "image/png", data)
    assert redis_db.hlen(keys.assets(session_id)) == 1

    big = b"\x00" * (assets.ASSET_MAX_BYTES + 1)
    with pytest.raises(assets.AssetRejected, match="over"):
        assets.store(session_id, sha(big), "image/png", big)

    monkeypatch.setattr(assets, "SESSION_ASSETS_MAX_COUNT", 2)
    second = png(4, 4)
    assert assets.store(session_id, sha(second), "image/png", second)
    third = png(5, 5)
    assert not assets.store(session_id, sha(third), "image/png", third)
    assert assets.load(session_id, sha(third)) is None

    monkeypatch.setattr(assets, "SESSION_ASSETS_MAX_COUNT", 100)
    monkeypatch.setattr(assets, "SESSION_ASSETS_MAX_BYTES", len(data) + len(second) + 20)
    assert not assets.store(session_id, sha(third), "image/png", third)


def test_the_assets_are_deleted_with_the_sessions_other_keys(redis_db):
    session_id = make_session().id
    data = png()
    assets.store(session_id, sha(data), "image/png", data)
    assert keys.assets(session_id) in keys.all_keys(session_id)
