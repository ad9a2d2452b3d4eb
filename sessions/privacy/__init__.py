"""The privacy engine: one contract for the recorder and the server, held by shared test vectors.

- `text`: what a secret is, in which encodings it is found, and its placeholder (`mask_text`).
- `cards`: the card rule (network prefix + length + Luhn).
- `walk`: where in an rrweb event strings live and which rule each gets.
`redact_events` is what ingest calls on every batch before it is stored (docs/PRIVACY.md).
"""

from __future__ import annotations

from typing import Any

from .text import mask_all_url, mask_text
from .walk import (
    CSS_SOURCES,
    REQUEST_URL_KEYS,
    URL_KEYS,
    filter_headers,
    mask_deep,
    mask_mutation,
    mask_node_tree,
)

META, FULL_SNAPSHOT, INCREMENTAL, CUSTOM, PLUGIN = 4, 2, 3, 5, 6
NETWORK_PLUGIN = "rrweb/network@1"
MUTATION, INPUT = 0, 5


def _redact_request(request: dict[str, Any], mask_everything: bool) -> None:
    for name in ("requestHeaders", "responseHeaders"):
        if name in request:
            request[name] = filter_headers(request[name])
    mask_deep(request, REQUEST_URL_KEYS, mask_everything)


def redact_event(event: dict[str, Any], mask_everything: bool = False) -> None:
    """Redact one rrweb event in place."""
    etype = event.get("type")
    data = event.get("data")
    if not isinstance(data, dict):
        return
    if etype == FULL_SNAPSHOT:
        mask_node_tree(data.get("node"), mask_everything)
    elif etype == INCREMENTAL:
        source = data.get("source")
        if source == MUTATION:
            mask_mutation(data, mask_everything)
        elif source == INPUT:
            if isinstance(data.get("text"), str):
                data["text"] = mask_text(data["text"])
        elif source not in CSS_SOURCES:
            mask_deep(data)
    elif etype == META:
        href = data.get("href")
        if isinstance(href, str):
            data["href"] = mask_all_url(href) if mask_everything else mask_text(href)
    elif etype == PLUGIN and data.get("plugin") == NETWORK_PLUGIN:
        payload = data.get("payload")
        requests = payload.get("requests") if isinstance(payload, dict) else None
        if isinstance(requests, list):
            for request in requests:
                if isinstance(request, dict):
                    _redact_request(request, mask_everything)
        mask_deep(data)
    elif etype in (CUSTOM, PLUGIN):
        mask_deep(data, URL_KEYS, mask_everything)
    else:
        mask_deep(data)


def redact_events(events: list[dict[str, Any]], *, mask_all_text: bool = False) -> list[dict[str, Any]]:
    """Redact a batch in place and return it. `mask_all_text` is the link option of the same name."""
    for event in events:
        if isinstance(event, dict):
            redact_event(event, mask_all_text)
    return events
