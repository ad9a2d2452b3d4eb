"""Read archive objects (whole, or one chunk by byte range) through Django's storage API."""

from __future__ import annotations

from django.core.files.storage import Storage, default_storage

from .format import ChunkEntry, Record, decode_dictionary, decode_records


def read_object(name: str, storage: Storage | None = None) -> bytes:
    with (storage or default_storage).open(name, "rb") as handle:
        return handle.read()


def read_chunk(name: str, entry: ChunkEntry, storage: Storage | None = None) -> list[Record]:
    """One chunk's records, checksum checked; only its byte range and the dictionary's are read."""
    with (storage or default_storage).open(name, "rb") as handle:
        handle.seek(entry.dict_offset)
        dict_frame = handle.read(entry.dict_length) if entry.dict_length else b""
        handle.seek(entry.offset)
        frame = handle.read(entry.length)
    return decode_records(frame, entry.sha256, decode_dictionary(dict_frame))


def exists(name: str, storage: Storage | None = None) -> bool:
    return bool(name) and (storage or default_storage).exists(name)
