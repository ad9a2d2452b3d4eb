"""Checks on batches: per-tab seq contiguity, and that an archive holds exactly the stream. Pure."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import msgpack

from .chunking import Batch
from .format import Record


class ArchiveMismatch(Exception):
    """What was read back from the archive differs from what was read from the stream."""


@dataclass(frozen=True)
class TabRange:
    first_seq: int
    last_seq: int
    batches: int
    events: int
    # Missing seq ranges, inclusive: a batch the client never got acked (it gave up, or the tab died).
    gaps: tuple[tuple[int, int], ...] = ()
    duplicates: int = 0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["gaps"] = [list(g) for g in self.gaps]
        return data


class TabTally:
    """Per-tab seqs and event counts, fed batch by batch (8 bytes per batch: a long session's tally stays
    small while its events stream past)."""

    def __init__(self) -> None:
        self._seqs: dict[str, array] = {}
        self._events: dict[str, int] = {}

    def add(self, batch: Batch) -> None:
        self._seqs.setdefault(batch.tab, array("q")).append(batch.seq)
        self._events[batch.tab] = self._events.get(batch.tab, 0) + len(batch.events)

    def ranges(self) -> dict[str, TabRange]:
        """Per tab: seq range, counts and gaps. seq starts at 0 per tab, so a first seq above 0 is a gap."""
        ranges: dict[str, TabRange] = {}
        for tab, values in self._seqs.items():
            unique = sorted(set(values))
            gaps: list[tuple[int, int]] = []
            expected = 0
            for seq in unique:
                if seq > expected:
                    gaps.append((expected, seq - 1))
                expected = seq + 1
            ranges[tab] = TabRange(
                first_seq=unique[0],
                last_seq=unique[-1],
                batches=len(values),
                events=self._events[tab],
                gaps=tuple(gaps),
                duplicates=len(values) - len(unique),
            )
        return ranges


def tab_ranges(batches: Iterable[Batch]) -> dict[str, TabRange]:
    tally = TabTally()
    for batch in batches:
        tally.add(batch)
    return tally.ranges()


def gaps_by_tab(ranges: dict[str, TabRange]) -> dict[str, list[list[int]]]:
    return {tab: [list(g) for g in r.gaps] for tab, r in ranges.items() if r.gaps}


@dataclass(frozen=True)
class ChunkCheck:
    """What one chunk must read back as, taken while it was written: the size of the msgpack inside its
    zstd frame, and the sha256 of its skeleton (each record's tab, seq, server ts and count of events, in
    order) as counted from the stream's batches. That the msgpack is byte for byte the one written is
    zstd's content checksum (XXH64, in every chunk frame), checked by the decompression itself."""

    raw_size: int
    skeleton_sha256: str


def records_skeleton(records: Sequence[Record]) -> list[tuple[str, int, int, int]]:
    return [(tab, seq, ts, len(events)) for tab, seq, ts, events in records]


def raw_skeleton(raw: bytes) -> list[tuple[str, int, int, int]]:
    """The records' skeleton parsed from a chunk's msgpack (events skipped, not decoded): proves the bytes
    are a well-formed chunk (``[mouse-move columns, [[tab, seq, ts, events], ...]]``, nothing after it)."""
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=max(len(raw), 1024))
    unpacker.feed(raw)
    try:
        if unpacker.read_array_header() != 2:
            raise ArchiveMismatch("chunk is not [mouse-move columns, records]")
        unpacker.skip()
        skeleton = []
        for _ in range(unpacker.read_array_header()):
            if unpacker.read_array_header() != 4:
                raise ArchiveMismatch("chunk record is not [tab, seq, ts, events]")
            tab, seq, ts = unpacker.unpack(), unpacker.unpack(), unpacker.unpack()
            count = unpacker.read_array_header()
            for _event in range(count):
                unpacker.skip()
            skeleton.append((tab, seq, ts, count))
    except (ValueError, msgpack.UnpackException) as exc:
        raise ArchiveMismatch(f"chunk does not parse: {exc}") from None
    if unpacker.tell() != len(raw):
        raise ArchiveMismatch("trailing bytes after a chunk's records")
    return skeleton


def skeleton_digest(skeleton: Sequence[tuple[str, int, int, int]]) -> str:
    return hashlib.sha256(msgpack.packb([list(row) for row in skeleton], use_bin_type=True)).hexdigest()


def chunk_check(records: Sequence[Record], raw: bytes) -> ChunkCheck:
    return ChunkCheck(len(raw), skeleton_digest(records_skeleton(records)))


def check_chunk(index: int, expected: ChunkCheck, raw: bytes) -> None:
    """Raise ArchiveMismatch unless a chunk's msgpack, read back and decompressed (its content checksum
    checked on the way), has the size written and parses into the records (tab, seq, ts, event count)
    counted from the stream."""
    if len(raw) != expected.raw_size:
        raise ArchiveMismatch(
            f"chunk {index} decompresses to {len(raw)} bytes, {expected.raw_size} were written"
        )
    if skeleton_digest(raw_skeleton(raw)) != expected.skeleton_sha256:
        raise ArchiveMismatch(f"chunk {index} holds other records than the stream's")
