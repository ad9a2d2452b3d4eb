"""Unfinished `part` batches: held in memory per socket, bounded per socket (size, age) and per process.

Pure (the clock is passed in). A client resends every part of an unacked batch after a reconnect, so a
socket that is closed for holding parts too long or too many loses nothing that the protocol promised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .protocol import CloseCode, Limits, PartFrame, ProtocolError


@dataclass
class PartBudget:
    """Bytes of unfinished parts held by all sockets of one process (SUPPORTREPLAY_PARTS_PROCESS_BYTES).

    One object per process: many sockets of one attacker, each under its own cap, still cannot fill the
    server's memory. A socket refused here gets 4429 and retries after backoff, when others are done.
    """

    limit: int
    held: int = 0

    def reserve(self, size: int) -> bool:
        if self.held + size > self.limit:
            return False
        self.held += size
        return True

    def release(self, size: int) -> None:
        self.held = max(0, self.held - size)


@dataclass
class PartAssembler:
    """Collects the parts of one big batch on one connection.

    Parts of a batch must arrive back to back: a frame of another batch while one is incomplete would
    let a later seq be stored first and the earlier one be dropped as a duplicate, so it is refused.
    """

    limits: Limits
    budget: PartBudget = field(default_factory=lambda: PartBudget(limit=2**62))
    seq: int | None = None
    n: int = 0
    started: float = 0.0
    parts: dict[int, bytes] = field(default_factory=dict)
    size: int = 0

    @property
    def pending(self) -> bool:
        return self.seq is not None

    def expired(self, now: float, max_age: float) -> bool:
        return self.pending and now - self.started > max_age

    def add(self, part: PartFrame, now: float = 0.0) -> tuple[int, bytes] | None:
        """Add a part; returns (seq, the concatenated data) once all n parts are there."""
        if self.seq is None:
            self.seq, self.n, self.started = part["seq"], part["n"], now
        elif part["seq"] != self.seq or part["n"] != self.n:
            raise ProtocolError(CloseCode.MALFORMED, "parts of two batches interleaved")
        previous = self.parts.pop(part["i"], b"")
        self.size -= len(previous)
        self.budget.release(len(previous))
        data = part["data"]
        if self.size + len(data) > self.limits.max_batch_bytes:
            raise ProtocolError(CloseCode.FRAME_TOO_LARGE, "batch too large")
        if not self.budget.reserve(len(data)):
            raise ProtocolError(CloseCode.RATE_LIMITED, "server holds too many unfinished parts")
        self.parts[part["i"]] = data
        self.size += len(data)
        if len(self.parts) < self.n:
            return None
        # One copy into the final buffer; the parts are dropped right after, so a completed batch costs
        # its size once (plus the decoded events), not a multiple of it.
        blob = b"".join(self.parts[i] for i in range(self.n))
        seq = self.seq
        self.discard()
        return seq, blob

    def discard(self) -> None:
        """Forget the unfinished batch and give its bytes back to the process budget."""
        self.budget.release(self.size)
        self.seq, self.n, self.parts, self.size, self.started = None, 0, {}, 0, 0.0
