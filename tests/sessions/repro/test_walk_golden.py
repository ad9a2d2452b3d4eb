"""The walk over a real recording (the SPA bench fixture) gives exactly the steps, locators and error state
it gave before the walk was optimised: a golden file generated from the unoptimised code.

Regenerate only for an intended change of output: `.venv/bin/python -m tests.sessions.repro.test_walk_golden`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import msgpack
import zstandard

from sessions.archive.chunking import Batch
from sessions.repro import steps

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "bench" / "fixtures" / "swagger-ui.msgpack.zst"
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "spa_walk.json"
# Every step of the 5-minute recording (about 500), not only the first MAX_STEPS, so that every click's
# and input's locator is compared.
ALL_STEPS = 100_000


def _batches() -> list[Batch]:
    data = msgpack.unpackb(zstandard.ZstdDecompressor().decompress(FIXTURE.read_bytes()), raw=False)
    return [Batch(tab, seq, ts, events) for tab, seq, ts, events in data]


def walked(max_steps: int) -> dict:
    saved = steps.MAX_STEPS
    steps.MAX_STEPS = max_steps
    try:
        result = steps.walk(_batches())
    finally:
        steps.MAX_STEPS = saved
    return json.loads(
        json.dumps(
            {
                "steps": [{**asdict(s), "kind": str(s.kind)} for s in result.steps],
                "error_state": asdict(result.error_state) if result.error_state else None,
                "truncated": result.truncated,
            },
            default=str,
        )
    )


def test_the_walk_over_the_recorded_spa_matches_the_golden_file():
    golden = json.loads(GOLDEN.read_text())
    assert len(golden["steps"]) > steps.MAX_STEPS
    assert walked(ALL_STEPS) == golden
    capped = walked(steps.MAX_STEPS)
    assert capped["steps"] == golden["steps"][: steps.MAX_STEPS]
    assert capped["truncated"]


def _write_golden() -> None:
    result = walked(ALL_STEPS)
    lines = [json.dumps(step, ensure_ascii=False, sort_keys=True) for step in result["steps"]]
    head = {"error_state": result["error_state"], "truncated": result["truncated"]}
    body = ",\n".join(lines)
    GOLDEN.write_text(json.dumps(head)[:-1] + ', "steps": [\n' + body + "\n]}\n")


if __name__ == "__main__":
    _write_golden()
