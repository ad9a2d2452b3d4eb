"""The most stable Playwright locator for a recorded element, judged against the recorded DOM. Pure.

Preference, as Playwright's own guide recommends: a test id, the role and accessible name, a form field's
label, its placeholder, its text; then a role scoped to a container named by its heading (six "Add to cart"
buttons, one per product card); then an id that looks hand-written; a CSS path only as the last resort,
flagged as fragile. A locator is only chosen when it matches exactly one visible element of the recording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import a11y
from .mirror import ELEMENT, TEXT, Mirror, Node

INTERACTIVE_TAGS = frozenset({"button", "a", "input", "select", "textarea", "summary", "label", "option"})
INTERACTIVE_ROLES = frozenset(
    {"button", "link", "checkbox", "radio", "tab", "menuitem", "option", "switch", "textbox", "combobox"}
)
CONTAINER_ROLES = ("article", "listitem", "row", "dialog", "group", "region")
TEST_ID_ATTR = "data-testid"
MAX_NAME = 80
# Ids that a framework generated (ember123, react-select-3-input, :r1:, uuids) change between builds.
GENERATED_ID = re.compile(r"\d{3,}|^[0-9a-f-]{12,}$|^:|^(ember|react|mui|radix|headlessui)[-_]?", re.I)


@dataclass(frozen=True)
class Locator:
    code: str  # a Python expression on `page`
    strategy: str  # test_id | role | label | placeholder | text | scoped_role | id | css
    name: str  # what a person calls the element ("Add to cart", "Card number")
    fragile: bool = False

    @property
    def note(self) -> str:
        if self.strategy == "css":
            return "FRAGILE: CSS path (no test id, accessible name, label or text identifies this element)"
        if self.strategy == "id":
            return "id selector: no unique accessible name, label or text"
        return ""


def literal(text: str) -> str:
    """A Python string literal for any recorded text (repr cannot produce code, only a literal)."""
    return repr(text)


def target_of(mirror: Mirror, node: Node | None) -> Node | None:
    """What was really clicked: the nearest interactive element around the event's node."""
    if node is None:
        return None
    if node.type == TEXT:
        node = mirror.parent(node)
        if node is None:
            return None
    for current in (node, *mirror.ancestors(node)):
        if current.type != ELEMENT:
            continue
        if current.tag in INTERACTIVE_TAGS or a11y.role(current) in INTERACTIVE_ROLES:
            return current
        if current.tag in ("body", "html"):
            break
    return node


def _visible(mirror: Mirror, within: Node | None = None) -> list[Node]:
    if within is None:
        return a11y.visible(mirror)
    return [n for n in mirror.descendants(within) if n.type == ELEMENT and not a11y.is_hidden(mirror, n)]


def _unique(candidates: list[Node], node: Node, test: Callable[[Node], bool]) -> bool:
    matches = [n for n in candidates if test(n)]
    return len(matches) == 1 and matches[0] is node


def _usable(text: str) -> bool:
    """Masked or overlong text makes a poor locator: '*****', '[card]', a paragraph."""
    return bool(text) and len(text) <= MAX_NAME and not re.fullmatch(r"[*•\s]+", text) and "[" not in text


def _role_code(role: str, name: str) -> str:
    return f"get_by_role({literal(role)}, name={literal(name)}, exact=True)"


def _css_path(mirror: Mirror, node: Node) -> str:
    parts: list[str] = []
    current: Node | None = node
    while current is not None and current.type == ELEMENT and current.tag not in ("html", "body"):
        dom_id = current.attrs.get("id", "")
        if dom_id and not GENERATED_ID.search(dom_id) and re.fullmatch(r"[A-Za-z][\w-]*", dom_id):
            parts.append(f"#{dom_id}")
            break
        parent = mirror.parent(current)
        siblings = [c for c in mirror.children(parent) if c.tag == current.tag] if parent else [current]
        index = siblings.index(current) + 1 if current in siblings else 1
        parts.append(f"{current.tag}:nth-of-type({index})" if len(siblings) > 1 else current.tag)
        current = parent
    return " > ".join(reversed(parts)) or node.tag or "body"


def _title(mirror: Mirror, container: Node) -> str:
    """The name of a container's first heading (cached for this version of the DOM)."""
    titles = a11y._cached(mirror, "titles", dict, content=True)
    if container.id not in titles:
        heading = next((h for h in mirror.descendants(container) if a11y.role(h) == "heading"), None)
        titles[container.id] = a11y.name(mirror, heading) if heading is not None else ""
    return titles[container.id]


def _scoped(mirror: Mirror, node: Node, role: str, name: str, visible: list[Node]) -> Locator | None:
    """`get_by_role("article").filter(has=heading).get_by_role("button", name=...)` when that is unique."""
    for container in mirror.ancestors(node):
        container_role = a11y.role(container)
        if container_role not in CONTAINER_ROLES:
            continue
        title = _title(mirror, container)
        if not _usable(title):
            continue
        peers = [c for c in a11y.by_role(mirror, container_role) if _title(mirror, c) == title]
        inside = _visible(mirror, container)
        if peers == [container] and _unique(
            inside, node, lambda n: a11y.role(n) == role and a11y.name(mirror, n) == name
        ):
            heading_code = f"page.get_by_role('heading', name={literal(title)}, exact=True)"
            scope = f"get_by_role({literal(container_role)}).filter(has={heading_code})"
            code = f"{scope}.{_role_code(role, name)}"
            return Locator(code, "scoped_role", f"{name} ({title})")
    return None


def locate(mirror: Mirror, node: Node) -> Locator:
    """The best locator for `node` in the DOM as recorded at that moment."""
    visible = _visible(mirror)
    attrs = node.attrs
    role = a11y.role(node)
    name = a11y.name(mirror, node)
    test_id = attrs.get(TEST_ID_ATTR, "")
    label = name if node.tag in a11y.FORM_FIELDS else ""
    display = name if _usable(name) else ""
    if test_id and _unique(visible, node, lambda n: n.attrs.get(TEST_ID_ATTR) == test_id):
        return Locator(f"get_by_test_id({literal(test_id)})", "test_id", display or test_id)
    labelled = node.tag in a11y.FORM_FIELDS and _usable(label) and a11y.label_text(mirror, node) == label
    if labelled and _unique(
        [n for n in visible if n.tag in a11y.FORM_FIELDS], node, lambda n: a11y.label_text(mirror, n) == label
    ):
        return Locator(f"get_by_label({literal(label)}, exact=True)", "label", label)
    if role and _usable(name):
        if _unique(a11y.by_role(mirror, role), node, lambda n: a11y.name(mirror, n) == name):
            return Locator(_role_code(role, name), "role", name)
        scoped = _scoped(mirror, node, role, name, visible)
        if scoped is not None:
            return scoped
    placeholder = a11y.squash(attrs.get("placeholder", ""))
    if _usable(placeholder) and _unique(
        visible, node, lambda n: a11y.squash(n.attrs.get("placeholder", "")) == placeholder
    ):
        return Locator(f"get_by_placeholder({literal(placeholder)}, exact=True)", "placeholder", placeholder)
    text = a11y.cached_text(mirror, node)
    if not role and _usable(text) and _unique(visible, node, lambda n: a11y.cached_text(mirror, n) == text):
        elements = [c for c in mirror.children(node) if c.type == ELEMENT]
        if not any(a11y.cached_text(mirror, c) == text for c in elements):
            return Locator(f"get_by_text({literal(text)}, exact=True)", "text", text)
    dom_id = attrs.get("id", "")
    fallback_name = display or (text if _usable(text) else "") or node.tag + (f"#{dom_id}" if dom_id else "")
    if dom_id and not GENERATED_ID.search(dom_id) and re.fullmatch(r"[A-Za-z][\w-]*", dom_id):
        return Locator(f"locator({literal('#' + dom_id)})", "id", fallback_name)
    return Locator(f"locator({literal(_css_path(mirror, node))})", "css", fallback_name, fragile=True)
