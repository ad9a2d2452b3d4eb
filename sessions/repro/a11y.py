"""Roles and accessible names of recorded elements, close enough to Playwright's `get_by_role`. Pure.

A simplified version of the W3C accessible-name computation: `aria-labelledby`, `aria-label`, a `<label>`
(by `for` or by nesting) for form fields, the element's own text for buttons, links and headings, then
`title` / `placeholder` / `alt`. Hidden subtrees (`hidden`, `aria-hidden`, `display: none`) are skipped.
"""

from __future__ import annotations

import re

from .mirror import ELEMENT, TEXT, Mirror, Node

SKIP_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
FORM_FIELDS = frozenset({"input", "select", "textarea"})
INPUT_ROLES = {
    "button": "button",
    "submit": "button",
    "reset": "button",
    "image": "button",
    "checkbox": "checkbox",
    "radio": "radio",
    "range": "slider",
    "number": "spinbutton",
    "search": "searchbox",
    "email": "textbox",
    "tel": "textbox",
    "text": "textbox",
    "url": "textbox",
    "": "textbox",
}
TAG_ROLES = {
    "button": "button",
    "textarea": "textbox",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "article": "article",
    "dialog": "dialog",
    "li": "listitem",
    "ul": "list",
    "ol": "list",
    "nav": "navigation",
    "main": "main",
    "tr": "row",
    "td": "cell",
    "fieldset": "group",
    "option": "option",
    "img": "img",
}
# Roles whose accessible name comes from their content.
NAME_FROM_CONTENT = frozenset(
    {"button", "link", "heading", "checkbox", "radio", "tab", "menuitem", "option", "cell", "switch"}
)
_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip() if text else ""


def is_hidden(mirror: Mirror, node: Node) -> bool:
    """Hidden by itself or an ancestor (`hidden`, `aria-hidden`, `display: none`, hidden inputs)."""
    return mirror.hidden(node)


def _cached(mirror: Mirror, key: str, build, *, content: bool = False):
    """A lookup for this version of the DOM; `content` for one that depends on texts and names too."""
    index = mirror.index()
    cache = index.content if content else index.cache
    if key not in cache:
        cache[key] = build()
    return cache[key]


def visible(mirror: Mirror) -> list[Node]:
    """Visible elements in document order (cached for this version of the DOM)."""
    return mirror.index().visible


def by_role(mirror: Mirror, wanted: str) -> list[Node]:
    """Visible elements with role `wanted`."""

    def group() -> dict[str, list[Node]]:
        groups: dict[str, list[Node]] = {}
        for node in visible(mirror):
            groups.setdefault(role(node), []).append(node)
        return groups

    return _cached(mirror, "by_role", group).get(wanted, [])


def cached_text(mirror: Mirror, node: Node) -> str:
    texts = _cached(mirror, "texts", dict, content=True)
    if node.id not in texts:
        texts[node.id] = text_of(mirror, node)
    return texts[node.id]


def role(node: Node) -> str:
    """The element's role ('' when none), cached on the node until its attributes change."""
    own = node.own_role
    if own is None:
        own = node.own_role = _role(node)
    return own


def _role(node: Node) -> str:
    attrs = node.attrs
    explicit = attrs.get("role")
    if explicit and not explicit.isspace():
        return explicit.split(None, 1)[0]
    tag = node.tag
    if tag == "input":
        return INPUT_ROLES.get(attrs.get("type", "").lower(), "")
    if tag == "select":
        return "listbox" if "multiple" in attrs or int_attr(node, "size") > 1 else "combobox"
    if tag == "a":
        return "link" if "href" in attrs else ""
    return TAG_ROLES.get(tag, "")


def int_attr(node: Node, name: str) -> int:
    try:
        return int(node.attrs.get(name, "0"))
    except ValueError:
        return 0


def text_of(mirror: Mirror, node: Node) -> str:
    """Visible text of a subtree (images by their alt text, button inputs by their value), squashed."""
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == TEXT:
            parts.append(current.text)
            continue
        if current.type != ELEMENT and current is not node:
            continue
        attrs = current.attrs
        if current.tag in SKIP_TEXT_TAGS or "hidden" in attrs or attrs.get("aria-hidden") == "true":
            continue
        if current.tag == "img":
            parts.append(f" {attrs.get('alt', '')} ")
        elif current.tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            parts.append(f" {attrs.get('value', '')} ")
        parts.append(" ")
        nodes = mirror.nodes
        for child_id in reversed(current.children):
            child = nodes.get(child_id)
            if child is not None:
                stack.append(child)
    return squash("".join(parts))


def _labelled_by(mirror: Mirror, node: Node) -> str:
    labelled_by = node.attrs.get("aria-labelledby")
    if not labelled_by:
        return ""
    ids = labelled_by.split()
    texts = [text_of(mirror, target) for target in (mirror.by_dom_id(i) for i in ids) if target is not None]
    return squash(" ".join(texts))


def label_text(mirror: Mirror, node: Node) -> str:
    """Text of the `<label>` of a form field (by `for=` or by nesting), without the field's own text."""
    dom_id = node.attrs.get("id")
    label = mirror.index().labels_for.get(dom_id) if dom_id else None
    if label is not None:
        return cached_text(mirror, label)
    for ancestor in mirror.ancestors(node):
        if ancestor.tag == "label":
            return cached_text(mirror, ancestor)
    return ""


def name(mirror: Mirror, node: Node) -> str:
    """The accessible name of an element ('' when it has none), cached for this version of the DOM."""
    names = _cached(mirror, "names", dict, content=True)
    if node.id not in names:
        names[node.id] = _name(mirror, node)
    return names[node.id]


def _name(mirror: Mirror, node: Node) -> str:
    attrs = node.attrs
    for candidate in (_labelled_by(mirror, node), squash(attrs.get("aria-label", ""))):
        if candidate:
            return candidate
    if node.tag in FORM_FIELDS and attrs.get("type") not in ("submit", "button", "reset"):
        label = label_text(mirror, node)
        if label:
            return label
        return squash(attrs.get("title", "") or attrs.get("placeholder", ""))
    if node.tag == "input":
        return squash(attrs.get("value", "") or attrs.get("alt", "") or attrs.get("title", ""))
    if node.tag == "img":
        return squash(attrs.get("alt", "") or attrs.get("title", ""))
    if role(node) in NAME_FROM_CONTENT:
        text = text_of(mirror, node)
        if text:
            return text
    return squash(attrs.get("title", ""))
