"""Captured assets after archiving: one storage object per file next to the archive object.

`<archive name>.assets/<sha256>` holds `<mime>\\n<bytes>`, like the Redis hash (sessions/assets.py) it is
copied from before the archive deletes the session's Redis keys; `purge` deletes them with the archive.
Written through the archive writer (temporary name then final, or an atomic S3 PUT), so a retry of a
killed archive run simply writes them again.
"""

from __future__ import annotations

from uuid import UUID

from django.core.files.storage import default_storage

from supportreplay.redis_client import get_redis

from . import assets, keys
from .archive import writer


def folder(archive_name: str) -> str:
    return f"{archive_name}.assets"


def persist(session_id: UUID | str, archive_name: str) -> int:
    """Copy the session's stored assets to storage; returns how many."""
    stored = get_redis().hgetall(keys.assets(session_id))
    for sha256, value in stored.items():
        writer.write(f"{folder(archive_name)}/{sha256.decode()}", value)
    return len(stored)


def load(archive_name: str, sha256: str) -> assets.Asset | None:
    if not assets.is_sha256(sha256):
        return None
    name = f"{folder(archive_name)}/{sha256}"
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return assets.parse(sha256, handle.read())


def purge(archive_name: str) -> None:
    base = folder(archive_name)
    if not default_storage.exists(base):
        return
    _dirs, files = default_storage.listdir(base)
    for file in files:
        writer.delete(f"{base}/{file}")
