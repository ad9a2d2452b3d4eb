"""Write an archive object through Django's storage API: to a temporary name, then finalize.

The final name only ever holds a complete object: a worker killed while writing leaves at most a
`.partial` object, which the next run removes. Storage is `storages["default"]` (filesystem under
MEDIA_ROOT unless STORAGES points elsewhere, e.g. S3 through django-storages: docs/DEPLOY.md).
"""

from __future__ import annotations

import os
from uuid import UUID

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage


def object_name(session_id: UUID | str, started_at) -> str:
    """Deterministic, so a retry after a crash finds (and replaces) what a killed run left."""
    return f"recordings/{started_at:%Y/%m}/{session_id}.sra"


def temp_name(name: str) -> str:
    return f"{name}.partial"


def write(name: str, data: bytes, storage: Storage | None = None) -> None:
    storage = storage or default_storage
    tmp = temp_name(name)
    if storage.exists(tmp):
        storage.delete(tmp)
    saved = storage.save(tmp, ContentFile(data))
    if saved != tmp:
        # Another writer created the name between our delete and save: never finalize someone else's bytes.
        storage.delete(saved)
        raise RuntimeError(f"storage renamed {tmp} to {saved}")
    _finalize(storage, tmp, name)


def _finalize(storage: Storage, tmp: str, name: str) -> None:
    try:
        source, target = storage.path(tmp), storage.path(name)
    except NotImplementedError:
        # Object stores have no rename: copy, then drop the temporary object.
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
