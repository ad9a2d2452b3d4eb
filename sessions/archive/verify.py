"""Checks on batches: per-tab seq contiguity, and that an archive holds exactly the stream. Pure."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
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


def check_chunk(index: int, expected: tuple[str, int], actual: tuple[str, int]) -> None:
    """Raise ArchiveMismatch unless a chunk read back decodes to the records written (digest, size)."""
    if expected != actual:
        raise ArchiveMismatch(f"chunk {index} decodes to other records than the stream's")
