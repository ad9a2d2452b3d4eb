"""The privacy contract on rrweb events: which strings of which event go through which rule. Pure.

The recorder's twin is static/recorder/src/redact.js; the shared vectors hold both to the same output.
Every string an event can carry is masked by content (sessions/privacy/text.py), in one pass over the
event (linear in its size):
- full snapshots and added nodes: text nodes and attribute values; adjacent sibling text nodes are
  masked as one text (a secret split across them is removed from each); `<input>` values and `<meta>`
  contents under a secret-looking name are redacted whatever they hold;
- mutations: changed texts and attribute values; added text nodes that end up adjacent under one parent;
- input events, the page URL (meta), custom events, console and network plugin events (url, name,
  headers by value whatever their name, bodies) and anything unknown: every string, and a string under a
  secret-looking key is redacted whole.
Not scanned: CSS (style attributes, stylesheet text and CSS rule events): it is layout, and scanning
every rule of every stylesheet would cost the page more than anything else here.
With the link option "mask all text", text and text-like attributes become `*`, and URLs keep only
their origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .text import REDACTED, mask_all, mask_all_url, mask_parts, mask_text, secret_name

DENIED_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization", "x-csrf-token"}
)
DENIED_HEADER_WORDS = (
    "auth",
    "token",
    "secret",
    "session",
    "cookie",
    "csrf",
    "password",
    "api-key",
    "apikey",
)

SKIPPED_ATTRIBUTES = frozenset({"style", "_cssText", "rr_dataURL"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "srcset", "cite", "xlink:href"})
TEXT_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "value", "label", "content", "aria-label"})
URL_KEYS = frozenset({"url", "href", "from", "to", "referrer"})
REQUEST_URL_KEYS = frozenset({"url", "name"})
TITLE_KEYS = frozenset({"title"})
CSS_SOURCES = frozenset({8, 13, 15})  # StyleSheetRule, StyleDeclaration, AdoptedStyleSheet

TEXT_NODE, ELEMENT_NODE, COMMENT_NODE, CDATA_NODE = 3, 2, 5, 4


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


def _mask_attribute(name: str, value: str, mask_everything: bool) -> str:
    if secret_name(name):
        return REDACTED if value else value
    if mask_everything:
        if name in URL_ATTRIBUTES:
            return mask_all_url(value)
        if name in TEXT_ATTRIBUTES or name.startswith(("aria-", "data-")):
            return mask_all(value)
    return mask_text(value)


def _mask_attributes(attributes: dict, mask_everything: bool, tag: Any = None) -> None:
    for name, value in attributes.items():
        if value.__class__ is str and value and name not in SKIPPED_ATTRIBUTES:
            masked = _mask_attribute(name, value, mask_everything)
            if masked is not value:
                attributes[name] = masked
    # A hidden input's value (often a CSRF or session token) and <meta name="csrf-token" content>.
    label = attributes.get("name") or attributes.get("id") or attributes.get("property")
    if label and secret_name(label):
        field = "content" if tag == "meta" else "value"
        if isinstance(attributes.get(field), str) and attributes[field]:
            attributes[field] = REDACTED


def _is_text(node: Any) -> bool:
    return node.__class__ is dict and node.get("type") == TEXT_NODE and not node.get("isStyle")


def _mask_text_run(nodes: list[dict], mask_everything: bool) -> None:
    if len(nodes) == 1:
        node = nodes[0]
        text = node.get("textContent")
        if text.__class__ is str:
            masked = mask_all(text) if mask_everything else mask_text(text)
            if masked is not text:
                node["textContent"] = masked
        return
    texts = [n.get("textContent") if isinstance(n.get("textContent"), str) else "" for n in nodes]
    masked = [mask_all(t) for t in texts] if mask_everything else mask_parts(texts)
    for node, old, new in zip(nodes, texts, masked, strict=True):
        if new != old:
            node["textContent"] = new


def mask_node_tree(root: Any, mask_everything: bool = False) -> None:
    """Mask a serialized rrweb node and everything under it (iterative: depth was validated)."""
    if not isinstance(root, dict):
        return
    if _is_text(root) or root.get("type") in (COMMENT_NODE, CDATA_NODE):
        _mask_text_run([root], mask_everything)
        return
    stack = [root]
    while stack:
        node = stack.pop()
        attributes = node.get("attributes")
        if isinstance(attributes, dict):
            _mask_attributes(attributes, mask_everything, node.get("tagName"))
        children = node.get("childNodes")
        if not isinstance(children, list):
            continue
        run: list[dict] = []
        for child in children:
            if _is_text(child):
                run.append(child)
                continue
            if run:
                _mask_text_run(run, mask_everything)
                run = []
            if isinstance(child, dict):
                if child.get("type") in (COMMENT_NODE, CDATA_NODE):
                    _mask_text_run([child], mask_everything)
                elif isinstance(child.get("childNodes"), list) or isinstance(child.get("attributes"), dict):
                    stack.append(child)
        if run:
            _mask_text_run(run, mask_everything)


def mask_mutation(data: dict, mask_everything: bool) -> None:
    for change in data.get("texts") or ():
        if isinstance(change, dict) and isinstance(change.get("value"), str):
            value = change["value"]
            change["value"] = mask_all(value) if mask_everything else mask_text(value)
    for change in data.get("attributes") or ():
        if isinstance(change, dict) and isinstance(change.get("attributes"), dict):
            _mask_attributes(change["attributes"], mask_everything)
    adds = [a for a in data.get("adds") or () if isinstance(a, dict)]
    # Added text nodes that become adjacent siblings (one's nextId is the other) are masked as one text.
    text_adds = {a["node"].get("id"): a for a in adds if _is_text(a.get("node"))}
    previous = {}
    for node_id, add in text_adds.items():
        following = text_adds.get(add.get("nextId"))
        if (
            following is not None
            and following is not add
            and following.get("parentId") == add.get("parentId")
        ):
            previous[add.get("nextId")] = node_id
    done: set[int] = set()
    for node_id, add in text_adds.items():
        if node_id in previous:
            continue  # not the first of a chain
        chain, current = [], add
        while current is not None and id(current) not in done:
            done.add(id(current))
            chain.append(current["node"])
            following = current.get("nextId")
            current = text_adds.get(following) if previous.get(following) is not None else None
        _mask_text_run(chain, mask_everything)
    for add in adds:
        if id(add) not in done:
            mask_node_tree(add.get("node"), mask_everything)


def mask_deep(value: Any, url_keys: frozenset = frozenset(), mask_everything: bool = False) -> Any:
    """Mask every string in a JSON-like value; a string under a secret-looking key is redacted whole."""
    if isinstance(value, str):
        return mask_text(value)
    if not isinstance(value, dict | list):
        return value
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in list(items):
            if isinstance(item, str):
                if isinstance(key, str) and secret_name(key):
                    masked = REDACTED if item else item
                elif mask_everything and key in url_keys:
                    masked = mask_all_url(item)
                elif mask_everything and key in TITLE_KEYS:
                    masked = mask_all(item)
                else:
                    masked = mask_text(item)
                if masked is not item and masked != item:
                    node[key] = masked
            elif isinstance(item, dict | list):
                stack.append(item)
    return value
