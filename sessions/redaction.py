"""Server-side redaction of stored events: defence in depth behind the recorder's own masking.

Pure: functions take validated rrweb events and change them in place. A recorder that is old, buggy or
hostile may send secrets; whatever it sends, these never reach Redis:
- network plugin events lose credential-bearing headers (by exact name, or a name containing a
  sensitive word);
- Luhn-valid card numbers in console output, network URLs, headers and bodies, and JS error messages
  become "[card]".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .events import CONSOLE_PLUGIN, NETWORK_PLUGIN, TAG_ERROR, EventType

CARD_MASK = "[card]"
DENIED_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization", "x-csrf-token"}
)
DENIED_HEADER_WORDS = ("auth", "token", "secret", "session", "cookie", "csrf", "password")

# 13..19 digits, optionally grouped by single spaces or dashes, not glued to other digits.
_CARD_RE = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")


def header_allowed(name: object) -> bool:
    if not isinstance(name, str):
        return False
    lowered = name.strip().lower()
    return lowered not in DENIED_HEADERS and not any(word in lowered for word in DENIED_HEADER_WORDS)


def filter_headers(headers: Any) -> dict[str, Any]:
    """Keep only headers whose name is not credential-bearing. A non-map becomes an empty map."""
    if not isinstance(headers, Mapping):
        return {}
    return {name: value for name, value in headers.items() if header_allowed(name)}


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mask_match(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group())
    return CARD_MASK if luhn_valid(digits) else match.group()


def mask_cards(text: str) -> str:
    """Replace Luhn-valid card numbers in a string with "[card]"."""
    return _CARD_RE.sub(_mask_match, text)


def mask_cards_deep(value: Any) -> Any:
    """Mask card numbers in every string of a JSON-like value (iterative; depth was validated)."""
    if isinstance(value, str):
        return mask_cards(value)
    if not isinstance(value, dict | list):
        return value
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in list(items):
            if isinstance(item, str):
                masked = mask_cards(item)
                if masked != item:
                    node[key] = masked
            elif isinstance(item, dict | list):
                stack.append(item)
    return value


def _redact_request(request: dict[str, Any]) -> None:
    for name in ("requestHeaders", "responseHeaders"):
        if name in request:
            request[name] = mask_cards_deep(filter_headers(request[name]))
    for name in ("url", "requestBody", "responseBody"):
        if name in request:
            request[name] = mask_cards_deep(request[name])


def redact_event(event: dict[str, Any]) -> None:
    """Redact one validated rrweb event in place (only the kinds that carry free-form payloads)."""
    etype = event.get("type")
    data = event["data"]
    if etype == EventType.PLUGIN:
        payload = data.get("payload")
        if not isinstance(payload, dict):
            return
        plugin = data.get("plugin")
        if plugin == NETWORK_PLUGIN:
            requests = payload.get("requests")
            if isinstance(requests, list):
                for request in requests:
                    if isinstance(request, dict):
                        _redact_request(request)
        elif plugin == CONSOLE_PLUGIN:
            for name in ("payload", "trace"):
                if name in payload:
                    payload[name] = mask_cards_deep(payload[name])
    elif etype == EventType.CUSTOM and data.get("tag") == TAG_ERROR and "payload" in data:
        data["payload"] = mask_cards_deep(data["payload"])


def redact_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for event in events:
        if event.get("type") in (EventType.PLUGIN, EventType.CUSTOM):
            redact_event(event)
    return events
