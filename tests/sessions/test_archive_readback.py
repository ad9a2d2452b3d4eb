"""The archive's read-back check: a stored object whose chunk, dictionary or records differ from what was
built from the stream is refused (and the session is not marked archived), on the filesystem storage."""

import pytest
from django.core.files.storage import default_storage

from sessions.archive import service, stream, verify, writer
from sessions.models import RecordingSession
from tests.sessions.factories import make_session
from tests.sessions.ingest_helpers import ingest
from tests.support.events import checkout_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stored(settings, tmp_path, redis_db):
    """An ingested session built and stored the way `archive_session` does, not yet checked."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    live = make_session()
    ingest(live.credential, checkout_session(minutes=3))
    session = RecordingSession.objects.get(pk=live.id)
    name = writer.object_name(session.pk, session.started_at)
    with (tmp_path / "object").open("w+b") as local:
        built = service.build(stream.iter_batches(session.pk, raw_snapshots=True), local)
        local.seek(0)
        writer.write(name, local)
    return name, built


def alter(name: str, offset: int) -> None:
    with open(default_storage.path(name), "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x01]))


def test_the_object_as_built_passes(stored):
    name, built = stored
    assert len(built.entries) >= 3
    assert built.dictionary_size > 0
    service.check_readback(name, built)


def test_a_chunk_altered_in_storage_is_refused(stored):
    name, built = stored
    alter(name, built.entries[1].offset + built.entries[1].length // 2)
    with pytest.raises(verify.ArchiveMismatch, match="chunk 1"):
        service.check_readback(name, built)


def test_a_dictionary_altered_in_storage_is_refused(stored):
    name, built = stored
    entry = built.entries[0]
    alter(name, entry.dict_offset + entry.dict_length // 2)
    with pytest.raises(verify.ArchiveMismatch, match="stored dictionary"):
        service.check_readback(name, built)


def test_a_chunk_holding_other_records_than_the_stream_is_refused(stored):
    name, built = stored
    checks = list(built.checks)
    checks[2] = verify.ChunkCheck(checks[2].raw_size, checks[1].skeleton_sha256)
    with pytest.raises(verify.ArchiveMismatch, match="chunk 2 holds other records"):
        service.check_readback(name, service.Built(**{**built.__dict__, "checks": checks}))
