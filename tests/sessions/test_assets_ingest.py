"""Captured assets through the real ingest consumer: the bytes leave the event at ingest, are stored once
per session, survive archiving and go with the session; refused files and the link option."""

import base64
import hashlib

import pytest
from django.core.files.storage import default_storage

from sessions import asset_archive, assets, keys
from sessions.archive import service
from sessions.models import RecordingSession
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import T0, environment_event, full_snapshot_event, meta_event, png

pytestmark = pytest.mark.django_db(transaction=True)


def asset_event(ts: int, url: str, data: bytes | None, mime: str = "image/png", sha: str | None = None):
    payload = {"url": url, "sha256": sha or hashlib.sha256(data or b"").hexdigest(), "mime": mime}
    if data is not None:
        payload["data"] = base64.b64encode(data).decode()
    return {"type": 5, "timestamp": ts, "data": {"tag": assets.ASSET_TAG, "payload": payload}}


def stored_events(sid) -> list[dict]:
    from sessions.store import read_events

    return [e for batch in read_events(sid) for e in batch.events]


def test_extract_takes_the_bytes_out_and_marks_a_refused_file():
    image = png()
    good = asset_event(T0, "https://shop.example/a.png", image)
    svg = asset_event(T0, "https://shop.example/x.svg", b"<svg/>", mime="image/svg+xml")
    liar = asset_event(T0, "https://shop.example/b.png", image, sha="0" * 64)
    other = meta_event(T0)
    events, found = assets.extract([good, svg, liar, other])
    assert [a.sha256 for a in found] == [hashlib.sha256(image).hexdigest()]
    assert "data" not in events[0]["data"]["payload"]
    assert "rejected" not in events[0]["data"]["payload"]
    assert events[1]["data"]["payload"]["rejected"] == "type not allowed: image/svg+xml"
    assert events[2]["data"]["payload"]["rejected"] == "sha256 does not match the bytes"
    assert events[3] is other
    assert "data" in good["data"]["payload"]  # the caller's events are untouched
    # The link does not capture assets: no file and no asset event is kept.
    assert assets.extract([good, other], keep=False) == ([other], [])


def test_ingest_stores_each_file_once_and_the_stream_keeps_only_the_mapping(agent_client, redis_db, media):
    live = make_session()
    image = png()
    sha = hashlib.sha256(image).hexdigest()
    url = "https://shop.example/logo.png"
    ingest(
        live.credential,
        [
            [environment_event(T0), meta_event(T0), full_snapshot_event(T0), asset_event(T0 + 5, url, image)],
            [asset_event(T0 + 1000, url, image), asset_event(T0 + 1001, url, None, sha=sha)],
        ],
    )
    assert redis_db.hlen(keys.assets(live.id)) == 1
    mapped = [e["data"]["payload"] for e in stored_events(live.id) if e["type"] == 5 and "tag" in e["data"]]
    mapped = [p for p in mapped if p.get("url") == url]
    assert mapped == [{"url": url, "sha256": sha, "mime": "image/png"}] * 3
    response = agent_client.get(f"/sessions/{live.id}/assets/{sha}")
    assert response.status_code == 200
    assert response.content == image

    # Archived: the Redis keys are gone, the file is served from storage; deleted with the session.
    assert service.archive_session(live.id).status == "archived"
    assert not redis_db.exists(keys.assets(live.id))
    response = agent_client.get(f"/sessions/{live.id}/assets/{sha}")
    assert response.status_code == 200
    assert response.content == image
    assert response["Content-Type"] == "image/png"
    name = f"{asset_archive.folder(_archive_name(live))}/{sha}"
    assert default_storage.exists(name)
    service.purge_session(RecordingSession.objects.get(pk=live.id))
    assert not default_storage.exists(f"{asset_archive.folder(_archive_name(live))}/{sha}")


def _archive_name(live) -> str:
    from sessions.archive import writer

    return writer.object_name(live.id, live.session.started_at)


def test_a_link_without_asset_capture_stores_no_file(redis_db, media):
    live = make_session(capture_assets=False)
    image = png()
    ingest(
        live.credential,
        [[meta_event(T0), full_snapshot_event(T0), asset_event(T0 + 5, "https://s.example/a.png", image)]],
    )
    assert not redis_db.exists(keys.assets(live.id))
    assert not [
        e for e in stored_events(live.id) if e["type"] == 5 and e["data"].get("tag") == assets.ASSET_TAG
    ]


def test_mask_all_text_turns_asset_capture_off(redis_db):
    from sessions.services import session_options

    assert session_options(make_session().session)["assets"] is True
    assert session_options(make_session(mask_all_text=True).session)["assets"] is False
    assert session_options(make_session(capture_assets=False).session)["assets"] is False


def test_a_malformed_asset_event_is_refused_like_any_bad_event():
    from sessions import event_rules

    bad = {"type": 5, "timestamp": T0, "data": {"tag": assets.ASSET_TAG, "payload": {"url": 3}}}
    with pytest.raises(event_rules.BadEvent, match="asset url"):
        event_rules.check_event(bad, T0 + 10_000)
