"""Archives on S3-compatible storage: written, verified and read back by byte range against a real
S3 server process (moto_server). Reading one chunk makes the server send that chunk and the dictionary /
assets frames, not the object; the replay data API and the rrweb export give back what was stored."""

import random

import boto3
import pytest
from django.core.files.storage import default_storage, storages

from sessions import services, store
from sessions.archive import format, reader, service, source
from sessions.models import EndReason, RecordingSession, SessionState
from sessions.protocol import batch_stats
from tests.helpers.s3 import ACCESS_KEY, SECRET_KEY, moto_s3, storage_settings
from tests.sessions import long_session
from tests.sessions.factories import make_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

MINUTES = 12
HTTP_OVERHEAD = 2048  # response status line and headers, per request


def noisy_batches(minutes: int):
    """The long SPA session plus a console line of random text per batch, so chunks are substantial."""
    rng = random.Random(3)
    for events in long_session.batches(minutes):
        ts = events[-1]["timestamp"]
        line = rng.randbytes(96).hex()
        yield [*events, {"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": "log",
               "payload": [line], "trace": []}}, "timestamp": ts}]  # fmt: skip


@pytest.fixture
def s3(settings):
    with moto_s3() as proxy:
        endpoint = f"http://127.0.0.1:{proxy.port}"
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        ).create_bucket(Bucket="archives-test")
        settings.STORAGES = storage_settings(endpoint, "archives-test")
        yield proxy


def test_chunks_are_read_from_s3_by_range_not_as_the_whole_object(redis_db, s3):
    live = make_session()
    store.open_meta_sync(live.id)
    for seq, events in enumerate(noisy_batches(MINUTES)):
        assert store.append_batch_sync(live.id, "tab-a", seq, events, batch_stats(events)).stored
    services.end_session(live.id, EndReason.STOP)

    assert service.archive_session(live.id).status == "archived"

    session = RecordingSession.objects.get(pk=live.id)
    archive = session.archive
    assert session.state == SessionState.ARCHIVED
    assert type(storages["default"]).__name__ == "S3Storage"
    assert reader.s3_object(archive.storage_name, default_storage) is not None
    assert default_storage.size(archive.storage_name) == archive.stored_bytes
    entries = [format.ChunkEntry.from_dict(e) for e in archive.manifest]
    assert len(entries) == MINUTES
    head = entries[0].head_range[1]
    assert sum(e.length for e in entries) > 4 * head  # most of the object is chunks

    sent = list(noisy_batches(MINUTES))
    for index in (MINUTES // 2, MINUTES - 1, 0):
        entry = entries[index]
        s3.reset()
        events = source.chunk_events(session, index)
        assert s3.received <= entry.length + head + 2 * HTTP_OVERHEAD
        assert s3.received < archive.stored_bytes / 3
        minute = sent[index * 240 : (index + 1) * 240]
        assert events == [e for batch in minute for e in batch]

    s3.reset()
    assert service.verify_stored(archive) == archive.event_count
    assert [e for b in source.iter_batches(session) for e in b.events] == [e for b in sent for e in b]
