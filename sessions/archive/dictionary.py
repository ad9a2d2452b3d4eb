"""The snapshot dictionary of one archive object: every distinct large string once (of full snapshots and
mutations), and the first full snapshot of every page. Pure.

Chunks are zstd frames compressed against a prefix of this dictionary (zstd "raw content" dictionary), so
whatever a chunk repeats from it costs a few bytes: a real SPA's stylesheet (~190 KB of `_cssText` in
every periodic checkout) or the DOM of a page seen before. Chunks themselves keep every event exactly as
it came (the stream's bytes): the dictionary is only compression help, never needed to make sense of a
chunk's content, which is why it can be built from a fast byte scan instead of a walk of the events.

Large strings are found in a snapshot's msgpack bytes by their headers (str16/str32 of at least
`MIN_STRING_BYTES`, payload valid UTF-8), scanned left to right, each accepted string skipped whole. A
byte that only looks like such a header and passes those checks could make the scan take junk or miss a
string: that would cost dictionary space or compression, never correctness. Each distinct string (compared
byte for byte with the ones held) is added once; the page's snapshot is added with those strings cut out,
since the dictionary holds them already. The dictionary only grows, so a chunk compressed against an
earlier prefix still decodes; it is capped (`DICT_MAX_BYTES`): past it, chunks just compress on their own.

Known limit: zstd's fast levels take the nearest match they find, so a large string that repeats itself
inside (a text of a few words over and over) is compressed from its own earlier bytes rather than matched
whole in the dictionary: each chunk holding it stores it at about its size compressed alone. Stylesheets
and images are matched whole (the recorded SPA's checkouts cost ~40 KB per minute, docs/PERFORMANCE.md).
"""

from __future__ import annotations

from typing import Any

from .format import DICT_MAX_BYTES, ChunkInput, pack
from .rawevents import RawEvent

# Strings at least this long (UTF-8 bytes) are put in the dictionary once.
MIN_STRING_BYTES = 2048
# Per page, the first mutations of at least MIN_MUTATION_BYTES are added until MUTATIONS_PER_PAGE.
MIN_MUTATION_BYTES = 4096
MUTATIONS_PER_PAGE = 128 * 1024
_WIDE_MAX = 1 << 24  # a str32 header claiming 16 MiB or more is taken for a stray byte
_KEY_BYTES = 64  # a string's identity before comparing it whole: length, first and last 64 bytes


def _utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def large_strings(raw: bytes, min_bytes: int = MIN_STRING_BYTES) -> list[tuple[int, int]]:
    """(start, end) of the payload of every str16/str32 of at least `min_bytes` in msgpack bytes.

    Scans for the two header bytes with `bytes.find` (memchr): ~15x faster than a regular expression over
    the 145 MB of a 3-hour SPA session's DOM events. A header byte inside other data (UTF-8 of U+0680 to
    U+06FF starts with 0xDA/0xDB) claims a length that spans msgpack's own header bytes, which are not
    valid UTF-8: a candidate is taken only when its bytes are valid UTF-8, as every msgpack str is.
    """
    found: list[tuple[int, int]] = []
    size, pos, find = len(raw), 0, raw.find
    narrow, wide = find(b"\xda"), find(b"\xdb")
    while narrow >= 0 or wide >= 0:
        if wide < 0 or 0 <= narrow < wide:
            at, head = narrow, 3
        else:
            at, head = wide, 5
        length = int.from_bytes(raw[at + 1 : at + head], "big")
        end = at + head + length
        if (
            length >= min_bytes
            and end <= size
            and (head == 3 or length < _WIDE_MAX)
            and _utf8(raw[at + head : end])
        ):
            found.append((at + head, end))
            pos = end
        else:
            pos = at + 1
        if 0 <= narrow < pos:
            narrow = find(b"\xda", pos)
        if 0 <= wide < pos:
            wide = find(b"\xdb", pos)
    return found


def _dom_bytes(event: Any, etype: Any) -> bytes | None:
    """The msgpack of a full snapshot or a mutation (None for any other event)."""
    if type(event) is RawEvent:
        return event.raw
    if etype == 2:
        return pack(event)
    data = event.get("data")
    return pack(event) if type(data) is dict and data.get("source") == 0 else None


def _page(href: Any) -> str | None:
    """A page's identity: its URL, fragment included. Without the fragment the recorded SPA kept one
    snapshot in the dictionary instead of one per route: 0.37x gzip instead of 0.28x."""
    return str(href) if href else None


class SnapshotDictionary:
    def __init__(self, limit: int = DICT_MAX_BYTES, min_string: int = MIN_STRING_BYTES) -> None:
        self.limit, self.min_string = limit, min_string
        self.data = bytearray()
        self.strings = 0  # distinct large strings held
        self._pages: set[str] = set()
        self._mutations: dict[str, int] = {}  # page -> mutation bytes added
        # (length, first and last bytes) -> offsets in `data` of the strings with that key
        self._held: dict[tuple[int, bytes, bytes], list[int]] = {}

    def __len__(self) -> int:
        return len(self.data)

    def _fits(self, size: int) -> bool:
        return len(self.data) + size <= self.limit

    def grow(self, chunk: ChunkInput) -> None:
        """Add the chunk's new large strings; for a page not seen yet its first full snapshot, and the
        page's first large mutations up to `MUTATIONS_PER_PAGE` (what a route change of an SPA adds
        comes back on every visit of the route, in chunks that are each compressed on their own)."""
        href = _page(((chunk.lead_meta or {}).get("data") or {}).get("href"))
        first = True
        for _tab, _seq, _ts, events in chunk.records:
            for event in events:
                etype = event.get("type") if isinstance(event, dict | RawEvent) else None
                if etype == 4:
                    data = event.get("data")
                    href = _page(data.get("href") if isinstance(data, dict) else None)
                elif etype == 2 or etype == 3:
                    raw = _dom_bytes(event, etype)
                    if raw is None or (etype == 3 and len(raw) < self.min_string):
                        continue
                    spans = self._add_strings(raw)
                    if etype == 2 and first:
                        first = False
                        key = href or str(len(self._pages))
                        if key not in self._pages and self._add_cut(raw, spans):
                            self._pages.add(key)
                    elif etype == 3 and len(raw) >= MIN_MUTATION_BYTES:
                        key = href or ""
                        used = self._mutations.get(key, 0)
                        if used < MUTATIONS_PER_PAGE and self._add_cut(raw, spans):
                            self._mutations[key] = used + len(raw)

    def _add_strings(self, raw: bytes) -> list[tuple[int, int]]:
        view = memoryview(raw)
        spans = large_strings(raw, self.min_string)
        for start, end in spans:
            self._add_string(view[start:end])
        return spans

    def _add_cut(self, raw: bytes, spans: list[tuple[int, int]]) -> bool:
        """Add `raw` without its large strings (held already), if it fits."""
        view = memoryview(raw)
        cut = bytearray()
        last = 0
        for start, end in spans:
            cut += view[last:start]
            last = end
        cut += view[last:]
        if not self._fits(len(cut)):
            return False
        self.data += cut
        return True

    def _add_string(self, text: memoryview) -> None:
        """Add `text` unless the dictionary holds it already, compared byte for byte."""
        size = len(text)
        key = (size, bytes(text[:_KEY_BYTES]), bytes(text[-_KEY_BYTES:]))
        held = self._held.get(key, ())
        if any(self.data[at : at + size] == text for at in held) or not self._fits(size):
            return
        self._held.setdefault(key, []).append(len(self.data))
        self.data += text
        self.strings += 1
