"""Checks on batches: per-tab seq contiguity, and that an archive holds exactly the stream. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .chunking import Batch


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


def tab_ranges(batches: Sequence[Batch]) -> dict[str, TabRange]:
    """Per tab: seq range, counts and gaps. seq starts at 0 per tab, so a first seq above 0 is a gap too."""
    seqs: dict[str, list[int]] = {}
    events: dict[str, int] = {}
    for batch in batches:
        seqs.setdefault(batch.tab, []).append(batch.seq)
        events[batch.tab] = events.get(batch.tab, 0) + len(batch.events)
    ranges: dict[str, TabRange] = {}
    for tab, values in seqs.items():
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
            events=events[tab],
            gaps=tuple(gaps),
            duplicates=len(values) - len(unique),
        )
    return ranges


def gaps_by_tab(ranges: dict[str, TabRange]) -> dict[str, list[list[int]]]:
    return {tab: [list(g) for g in r.gaps] for tab, r in ranges.items() if r.gaps}


def check_identical(expected: Sequence[Batch], actual: Sequence[Batch]) -> None:
    """Raise ArchiveMismatch unless both hold the same batches, in order, with equal events."""
    if len(expected) != len(actual):
        raise ArchiveMismatch(f"{len(actual)} batches read back, {len(expected)} in the stream")
    for n, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if (want.tab, want.seq, want.ts) != (got.tab, got.seq, got.ts):
            raise ArchiveMismatch(f"batch {n} is {got.tab}/{got.seq}, expected {want.tab}/{want.seq}")
        if want.events != got.events:
            raise ArchiveMismatch(f"events of batch {want.tab}/{want.seq} differ")
    if tab_ranges(expected) != tab_ranges(actual):
        raise ArchiveMismatch("per-tab seq ranges differ")
