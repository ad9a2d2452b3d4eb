"""Large strings of a session (stylesheet text, inlined `data:` images) stored once, by content. Pure.

A real single-page app's full snapshot carries hundreds of KB of `_cssText`, and every periodic checkout
repeats it. The archive keeps each distinct large string once per session in an append-only blob (the
"assets" frame of the object) and leaves a msgpack extension in the event that points at its byte range;
readers put the string back while unpacking (the extension hook), so every reader — data API, exports,
verification — gets the events exactly as they were sent.

Only the events that can carry such strings are walked (full snapshots; mutations, stylesheet rules,
adopted stylesheets, canvas and font events), and the walk copies only what it changes: the caller's events
are never modified.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import msgpack

EXT_ASSET = 2
# Strings at least this long (in characters) are stored once and referenced.
MIN_ASSET_CHARS = 2048
# Per session; past it large strings stay inline (the archive stays correct, only bigger). The reader of a
# chunk fetches this blob too, so it is bounded like the snapshot dictionary.
ASSET_MAX_BYTES = 16 * 1024 * 1024
# rrweb IncrementalSource values whose events may hold stylesheet text or inlined images.
_SOURCES_WITH_TEXT = frozenset({0, 8, 9, 10, 13, 15})
_REF = struct.Struct(">II")


def may_hold_assets(event: Any) -> bool:
    if type(event) is not dict:
        return False
    etype = event.get("type")
    if etype == 2:
        return True
    data = event.get("data")
    return etype == 3 and type(data) is dict and data.get("source") in _SOURCES_WITH_TEXT


class AssetTable:
    """The assets of one session, in order of first appearance; `blob` only ever grows (references made
    for an earlier chunk stay valid)."""

    def __init__(self, limit: int = ASSET_MAX_BYTES, min_chars: int = MIN_ASSET_CHARS) -> None:
        self.limit, self.min_chars = limit, min_chars
        self.blob = bytearray()
        self._by_hash: dict[bytes, tuple[int, int]] = {}
        self.references = 0

    def __len__(self) -> int:
        return len(self._by_hash)

    def reference(self, text: str) -> Any:
        data = text.encode()
        key = hashlib.sha256(data).digest()
        where = self._by_hash.get(key)
        if where is None:
            if len(self.blob) + len(data) > self.limit:
                return text
            where = self._by_hash[key] = (len(self.blob), len(data))
            self.blob += data
        self.references += 1
        return msgpack.ExtType(EXT_ASSET, _REF.pack(*where))

    def take(self, event: Any) -> Any:
        """The event with its large strings replaced by references (the same object when none)."""
        return self._swap(event) if may_hold_assets(event) else event

    def _swap(self, value: Any) -> Any:
        """Hot loop of the archive (every node of every full snapshot): scalars are checked inline and only
        containers recurse, which makes ~5x fewer calls than recursing into every value."""
        kind = type(value)
        if kind is str:
            return self.reference(value) if len(value) >= self.min_chars else value
        if kind is dict:
            items = value.items()
        elif kind is list:
            items = enumerate(value)
        else:
            return value
        copy = None
        min_chars, swap = self.min_chars, self._swap
        for key, item in items:
            kind = type(item)
            if kind is str:
                if len(item) < min_chars:
                    continue
                new = self.reference(item)
            elif kind is dict or kind is list:
                new = swap(item)
                if new is item:
                    continue
            else:
                continue
            if copy is None:
                copy = dict(value) if type(value) is dict else list(value)
            copy[key] = new
        return value if copy is None else copy


def resolve(blob: bytes, data: bytes) -> str:
    """The string an EXT_ASSET extension points at."""
    offset, length = _REF.unpack(data)
    if offset + length > len(blob):
        raise ValueError("asset reference out of range")
    return bytes(blob[offset : offset + length]).decode()
