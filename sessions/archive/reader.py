"""Read archive objects through Django's storage API by byte range: the index, one chunk, its head.

Django's `Storage.open()` gives no range read: on the filesystem seek + read is one, but django-storages'
`S3File` downloads the whole object on first read. For S3 (any storage exposing a boto3 `bucket`, i.e.
`storages.backends.s3.S3Storage`) a range is read with one `GetObject` and a `Range` header instead, so
seeking into a 3-hour session reads one chunk and the dictionary/assets frames, never the object.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import Storage, default_storage

from .container import TRAILER, ChunkDecoder, index_size, parse_index
from .format import MAGICS, ArchiveFormatError, ChunkEntry, Record


def s3_object(name: str, storage: Storage) -> Any | None:
    """The boto3 Object behind `name` when `storage` is django-storages' S3 storage, else None."""
    bucket = getattr(storage, "bucket", None)
    normalize = getattr(storage, "_normalize_name", None)
    if bucket is None or normalize is None:
        return None
    from storages.utils import clean_name

    return bucket.Object(normalize(clean_name(name)))


def read_range(name: str, offset: int, length: int, storage: Storage | None = None) -> bytes:
    """`length` bytes of object `name` from `offset` (exactly, or ArchiveFormatError)."""
    storage = storage or default_storage
    if length <= 0:
        return b""
    obj = s3_object(name, storage)
    if obj is not None:
        data = obj.get(Range=f"bytes={offset}-{offset + length - 1}")["Body"].read()
    else:
        with storage.open(name, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length)
    if len(data) != length:
        raise ArchiveFormatError(f"{name}: {len(data)} bytes at {offset}, expected {length}")
    return data


def read_object(name: str, storage: Storage | None = None) -> bytes:
    with (storage or default_storage).open(name, "rb") as handle:
        return handle.read()


def read_head(name: str, entry: ChunkEntry, storage: Storage | None = None) -> bytes:
    """The dictionary and assets frames (one contiguous range)."""
    offset, length = entry.head_range
    return read_range(name, offset, length, storage)


def read_chunk(name: str, entry: ChunkEntry, storage: Storage | None = None) -> list[Record]:
    """One chunk's records, checksum checked; only its byte range and the head's are read."""
    decoder = ChunkDecoder(read_head(name, entry, storage), entry)
    return decoder.decode(read_range(name, entry.offset, entry.length, storage), entry)


def iter_chunks(
    name: str, entries: list[ChunkEntry], storage: Storage | None = None
) -> Iterator[tuple[ChunkEntry, list[Record]]]:
    """Every chunk in order, one range read each after one read of the head: one chunk in memory."""
    if not entries:
        return
    decoder = ChunkDecoder(read_head(name, entries[0], storage), entries[0])
    for entry in entries:
        yield entry, decoder.decode(read_range(name, entry.offset, entry.length, storage), entry)


def read_index(name: str, size: int, storage: Storage | None = None) -> list[ChunkEntry]:
    """The manifest stored at the end of the object (`size` bytes long), read by range."""
    if read_range(name, 0, 8, storage) not in MAGICS:
        raise ArchiveFormatError("not a SupportReplay archive")
    length = index_size(read_range(name, size - TRAILER, TRAILER, storage))
    if length > size - TRAILER - 8:
        raise ArchiveFormatError("archive index out of range")
    return parse_index(read_range(name, size - TRAILER - length, length, storage))


def exists(name: str, storage: Storage | None = None) -> bool:
    return bool(name) and (storage or default_storage).exists(name)


def object_sha256(name: str, size: int, storage: Storage | None = None, piece: int = 1 << 20) -> str:
    """sha256 of a stored object, read in `piece`-sized ranges."""
    digest = hashlib.sha256()
    for offset in range(0, size, piece):
        digest.update(read_range(name, offset, min(piece, size - offset), storage))
    return digest.hexdigest()
