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
CSS_SOURCES = frozenset({8, 13, 15})
# Elements that flow inside a line of text: a secret may be split across them.
INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
     "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var"}
)  # fmt: skip  # StyleSheetRule, StyleDeclaration, AdoptedStyleSheet

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


def _inline_texts(node: Any) -> list | None:
    """The children of an inline element that holds only text nodes (`<b>4111</b>`), else None."""
    if (
        node.__class__ is not dict
        or node.get("type") != ELEMENT_NODE
        or node.get("tagName") not in INLINE_TAGS
    ):
        return None
    children = node.get("childNodes")
    if children.__class__ is not list or not all(_is_text(c) for c in children):
        return None
    return children


def mask_node_tree(root: Any, mask_everything: bool = False) -> None:
    """Mask a serialized rrweb node and everything under it (iterative: depth was validated).

    The text of one element is masked as one string: its text children, and the text of inline
    elements among them that hold only text (`card <b>4111 1111</b> 1111 1111`, syntax-highlighted
    code), so a secret split across them is found.
    """
    if not isinstance(root, dict):
        return
    if _is_text(root) or root.get("type") in (COMMENT_NODE, CDATA_NODE):
        _mask_text_run([root], mask_everything)
        return
    stack = [root]
    texts_done: set[int] = set()  # inline elements whose text was masked with their parent's
    while stack:
        node = stack.pop()
        attributes = node.get("attributes")
        if isinstance(attributes, dict):
            _mask_attributes(attributes, mask_everything, node.get("tagName"))
        children = node.get("childNodes")
        if not isinstance(children, list) or id(node) in texts_done:
            continue
        run: list[dict] = []
        for child in children:
            if _is_text(child):
                run.append(child)
                continue
            inline = _inline_texts(child)
            if inline is not None:
                run.extend(inline)
                texts_done.add(id(child))
                stack.append(child)
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
    adds = [a for a in data.get("adds") or () if isinstance(a, dict) and isinstance(a.get("node"), dict)]
    # rrweb sends added nodes flat (each with its parentId and the id of its next sibling): rebuild each
    # parent's runs of new siblings, and mask the text of each run, inline elements included, as one.
    chains_of: dict[Any, list[list[dict]]] = {}
    groups: dict[Any, list[dict]] = {}
    for add in adds:
        parent = add.get("parentId")
        groups.setdefault(parent if isinstance(parent, int | str) else ("?", id(add)), []).append(add)
    for parent, group in groups.items():
        chains_of[parent] = _sibling_chains(group)
    done: set[int] = set()

    def added_inline_texts(node: dict) -> list | None:
        if node.get("childNodes"):
            return _inline_texts(node)
        if node.get("type") != ELEMENT_NODE or node.get("tagName") not in INLINE_TAGS:
            return None
        chains = chains_of.get(node.get("id")) if isinstance(node.get("id"), int | str) else None
        if not chains:
            return []
        if len(chains) != 1 or not all(_is_text(a["node"]) for a in chains[0]):
            return None
        done.update(id(a) for a in chains[0])
        return [a["node"] for a in chains[0]]

    for chains in chains_of.values():
        for chain in chains:
            run: list[dict] = []
            for add in chain:
                node = add["node"]
                if _is_text(node):
                    run.append(node)
                    done.add(id(add))
                    continue
                texts = added_inline_texts(node)
                if texts is not None:
                    run.extend(texts)
                    continue
                if run:
                    _mask_text_run(run, mask_everything)
                    run = []
            if run:
                _mask_text_run(run, mask_everything)
    for add in adds:
        if id(add) not in done:
            mask_node_tree(add["node"], mask_everything)


def _sibling_chains(group: list[dict]) -> list[list[dict]]:
    """Added siblings of one parent in document order: runs linked by nextId (each other add alone)."""
    by_id: dict[Any, dict] = {}
    for add in group:
        node_id = add["node"].get("id")
        if isinstance(node_id, int | str):
            by_id.setdefault(node_id, add)
    has_previous = set()
    for add in group:
        following = add.get("nextId")
        if isinstance(following, int | str) and following in by_id and by_id[following] is not add:
            has_previous.add(following)
    chains, seen = [], set()
    for add in group:
        node_id = add["node"].get("id")
        if (isinstance(node_id, int | str) and node_id in has_previous) or id(add) in seen:
            continue
        chain, current = [], add
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            chain.append(current)
            following = current.get("nextId")
            current = by_id.get(following) if isinstance(following, int | str) else None
        chains.append(chain)
    chains.extend([add] for add in group if id(add) not in seen)  # members of a nextId cycle
    return chains


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
