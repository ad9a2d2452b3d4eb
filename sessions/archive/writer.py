"""Write an archive object through Django's storage API: to a temporary name, then finalize.

The final name only ever holds a complete object: a worker killed while writing leaves at most a
`.partial` object, which the next run removes (on S3, whose uploads are atomic, the object is written in
place). Content is streamed from a file, so a long session's object never has to fit in memory. Storage
is `storages["default"]` (filesystem under MEDIA_ROOT unless STORAGES points elsewhere, e.g. S3 through
django-storages: docs/ARCHIVE.md).
"""

from __future__ import annotations

import os
from typing import BinaryIO
from uuid import UUID

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage

from . import reader


def object_name(session_id: UUID | str, started_at) -> str:
    """Deterministic, so a retry after a crash finds (and replaces) what a killed run left."""
    return f"recordings/{started_at:%Y/%m}/{session_id}.sra"


def temp_name(name: str) -> str:
    return f"{name}.partial"


def write(name: str, content: BinaryIO | bytes, storage: Storage | None = None) -> None:
    """Store `content` (a readable binary file, streamed; or bytes) under `name`, replacing it."""
    storage = storage or default_storage
    upload = File(content) if hasattr(content, "read") else ContentFile(content)
    if reader.s3_object(name, storage) is not None:
        # An S3 PUT (or multipart upload) is atomic: the name only ever holds a complete object, so the
        # object is written in place instead of copied from a temporary name. What is there already is a
        # killed run's unverified object (archived sessions are never written again).
        if storage.exists(name):
            storage.delete(name)
        _save_exactly(storage, name, upload)
        return
    tmp = temp_name(name)
    if storage.exists(tmp):
        storage.delete(tmp)
    _save_exactly(storage, tmp, upload)
    _finalize(storage, tmp, name)


def _save_exactly(storage: Storage, name: str, upload: File) -> None:
    saved = storage.save(name, upload)
    if saved != name:
        # Another writer created the name meanwhile, or the storage does not overwrite: never keep bytes
        # under a name nobody will read.
        storage.delete(saved)
        raise RuntimeError(f"storage renamed {name} to {saved}")


def _finalize(storage: Storage, tmp: str, name: str) -> None:
    try:
        source, target = storage.path(tmp), storage.path(name)
    except NotImplementedError:
        # Object stores without atomic uploads have no rename either: copy, then drop the temporary object.
        if storage.exists(name):
            storage.delete(name)
        with storage.open(tmp, "rb") as handle:
            storage.save(name, handle)
        storage.delete(tmp)
        return
    os.replace(source, target)  # atomic on one filesystem


def delete(name: str, storage: Storage | None = None) -> None:
    storage = storage or default_storage
    for candidate in (name, temp_name(name)):
        if storage.exists(candidate):
            storage.delete(candidate)
