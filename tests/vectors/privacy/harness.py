"""The pytest side of the shared privacy vectors: load them and form kinds x encodings x places.

The node side (static/recorder/test/vectors.test.js) does the same with the same files; both must pass
every vector. Format: tests/vectors/privacy/README.md.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEXT, PART1, PART2 = "{{TEXT}}", "{{PART1}}", "{{PART2}}"


@cache
def load(name: str) -> Any:
    return json.loads((HERE / name).read_text())


def fill(template: Any, parts: list[str]) -> Any:
    """A copy of an event template with the text (or its two adjacent parts) put in its place."""
    whole = "".join(parts)
    first, second = (parts[0], parts[1]) if len(parts) == 2 else (whole, "")

    def put(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(TEXT, whole).replace(PART1, first).replace(PART2, second)
        if isinstance(value, list):
            return [put(v) for v in value]
        if isinstance(value, dict):
            return {k: put(v) for k, v in value.items()}
        return value

    return put(copy.deepcopy(template))


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON-like value, keys included."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for k, v in node.items():
                yield str(k)
                stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)


def secret_cases() -> Iterator[tuple[str, dict, dict]]:
    """(kind, encoding vector, kind entry) for every kind and encoding."""
    for entry in load("secrets.json"):
        for vector in entry["encodings"]:
            yield entry["kind"], vector, entry


def vector_parts(vector: dict) -> list[str]:
    return vector["parts"] if "parts" in vector else [vector["text"]]


def places(split_only: bool = False) -> list[dict]:
    return [p for p in load("places.json") if p.get("split") or not split_only]
