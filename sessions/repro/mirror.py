"""The recorded DOM, rebuilt on the server from rrweb full snapshots and mutations. Pure.

rrweb serialises nodes as `{"type", "id", "tagName", "attributes", "childNodes", "textContent"}` (type 0
document, 1 doctype, 2 element, 3 text, 4 CDATA, 5 comment); mutations add (`parentId`, `nextId`, `node`),
remove (`parentId`, `id`), change text (`id`, `value`) and attributes (`id`, `attributes`). The mirror keeps
one page's DOM at a time (a full snapshot replaces it), so its size is bounded by the page, not the session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ELEMENT = 2
TEXT = 3
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")


@dataclass
class Node:
    id: int
    type: int
    tag: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""
    parent: int | None = None
    children: list[int] = field(default_factory=list)
    # Derived from the tag and attributes alone (a11y.role, hides), cached until `apply` changes them.
    own_role: str | None = field(default=None, compare=False, repr=False)
    own_hides: bool | None = field(default=None, compare=False, repr=False)


def _attrs(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k).lower(): str(v) for k, v in value.items() if v is not None and not isinstance(v, Mapping)}


@dataclass
class Index:
    """Lookups over one version of the DOM, built in one pass when first needed after a change."""

    elements: list[Node]
    by_dom_id: dict[str, Node]
    labels_for: dict[str, Node]
    hidden: set[int]
    visible: list[Node]  # elements not hidden, in document order
    # Derived lookups filled on demand by a11y: `cache` for what depends only on the structure and
    # STRUCTURE_ATTRS (visible elements, roles), `content` for what also depends on texts and CONTENT_ATTRS
    # (texts, accessible names, container titles). A mutation drops the index, or only `content`, or
    # neither (a class or data attribute changed), according to what it changed.
    cache: dict[str, Any] = field(default_factory=dict)
    content: dict[str, Any] = field(default_factory=dict)


# Attributes the index (document order, ids, labels, hidden elements) or the roles depend on.
STRUCTURE_ATTRS = frozenset(
    {"id", "for", "style", "hidden", "aria-hidden", "type", "role", "multiple", "size", "href"}
)
# Further attributes accessible names and texts depend on.
CONTENT_ATTRS = frozenset({"aria-labelledby", "aria-label", "title", "placeholder", "value", "alt"})


def hides(node: Node) -> bool:
    """Hidden by itself: `hidden`, `aria-hidden="true"`, a hidden input, `display: none`."""
    own = node.own_hides
    if own is None:
        attrs = node.attrs
        style = attrs.get("style")
        own = node.own_hides = (
            "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or (node.tag == "input" and attrs.get("type") == "hidden")
            or (style is not None and "none" in style and _DISPLAY_NONE.search(style) is not None)
        )
    return own


class Mirror:
    def __init__(self) -> None:
        self.nodes: dict[int, Node] = {}
        self.root: int | None = None
        self._index: Index | None = None

    def index(self) -> Index:
        """Elements in document order, ids, labels and hidden elements of the DOM as it is now (cached until
        the next snapshot or mutation), so naming a clicked element costs one pass over the page."""
        if self._index is None:
            elements: list[Node] = []
            by_dom_id: dict[str, Node] = {}
            labels_for: dict[str, Node] = {}
            hidden: set[int] = set()
            visible: list[Node] = []
            nodes = self.nodes
            root = nodes.get(self.root) if self.root is not None else None
            stack = [(root, False)] if root is not None else []
            while stack:
                node, is_hidden = stack.pop()
                if node.type == ELEMENT:
                    if not is_hidden and hides(node):
                        is_hidden = True
                    elements.append(node)
                    attrs = node.attrs
                    by_dom_id.setdefault(attrs.get("id", ""), node)
                    if node.tag == "label" and attrs.get("for"):
                        labels_for.setdefault(attrs["for"], node)
                    if is_hidden:
                        hidden.add(node.id)
                    else:
                        visible.append(node)
                for child_id in reversed(node.children):
                    child = nodes.get(child_id)
                    if child is not None:
                        stack.append((child, is_hidden))
            self._index = Index(elements, by_dom_id, labels_for, hidden, visible)
        return self._index

    def hidden(self, node: Node) -> bool:
        """Whether the index has (or would have) `node` among the hidden elements: from the index when it
        is current, else by walking up to the root (O(depth) instead of rebuilding the index). A node the
        index does not reach from the root (detached, or left behind by a re-added parent) is not hidden."""
        if self._index is not None:
            return node.id in self._index.hidden
        nodes = self.nodes
        current = nodes.get(node.id)  # the index is by id
        if current is None or current.type != ELEMENT:
            return False
        found = False
        for _ in range(len(nodes)):
            if not found and current.type == ELEMENT and hides(current):
                found = True
            if current.id == self.root:
                return found
            parent = nodes.get(current.parent) if current.parent is not None else None
            if parent is None or current.id not in parent.children:
                return False
            current = parent
        return False  # a cycle of parents: never reached from the root

    # --- building ------------------------------------------------------------------------------------

    def load(self, snapshot: Any) -> None:
        """Replace the DOM with a full snapshot's tree."""
        self._index = None
        self.nodes.clear()
        self.root = snapshot.get("id") if isinstance(snapshot, Mapping) else None
        self._add_tree(snapshot, None)

    def _add_tree(self, tree: Any, parent: int | None) -> int | None:
        if not isinstance(tree, Mapping) or not isinstance(tree.get("id"), int):
            return None
        top = tree["id"]
        stack: list[tuple[Mapping, int | None]] = [(tree, parent)]
        while stack:
            raw, parent_id = stack.pop()
            node_id = raw.get("id")
            if not isinstance(node_id, int):
                continue
            self._forget(node_id)
            node = Node(
                id=node_id,
                type=raw.get("type") if isinstance(raw.get("type"), int) else -1,
                tag=str(raw.get("tagName") or "").lower(),
                attrs=_attrs(raw.get("attributes")),
                text=str(raw.get("textContent") or ""),
                parent=parent_id,
            )
            self.nodes[node_id] = node
            siblings = self.nodes[parent_id].children if parent_id in self.nodes else None
            if siblings is not None and node_id not in siblings:
                siblings.append(node_id)
            children = raw.get("childNodes")
            for child in reversed(children if isinstance(children, list) else []):
                stack.append((child, node_id))
        return top

    def apply(self, mutation: Mapping[str, Any]) -> None:
        """One rrweb mutation event's data (source 0)."""
        self._invalidate(mutation)
        for remove in mutation.get("removes") or []:
            if isinstance(remove, Mapping):
                self._remove(remove.get("id"))
        for add in mutation.get("adds") or []:
            if not isinstance(add, Mapping):
                continue
            parent = add.get("parentId")
            node_id = self._add_tree(add.get("node"), parent if parent in self.nodes else None)
            if node_id is None or parent not in self.nodes:
                continue
            siblings = self.nodes[parent].children
            if node_id in siblings:
                siblings.remove(node_id)
            next_id = add.get("nextId")
            siblings.insert(siblings.index(next_id) if next_id in siblings else len(siblings), node_id)
        for change in mutation.get("texts") or []:
            if isinstance(change, Mapping) and change.get("id") in self.nodes:
                self.nodes[change["id"]].text = str(change.get("value") or "")
        for change in mutation.get("attributes") or []:
            if not isinstance(change, Mapping) or change.get("id") not in self.nodes:
                continue
            node = self.nodes[change["id"]]
            node.own_role = node.own_hides = None
            attrs = node.attrs
            values = change.get("attributes") if isinstance(change.get("attributes"), Mapping) else {}
            for name, value in values.items():
                if value is None:
                    attrs.pop(str(name).lower(), None)
                elif not isinstance(value, Mapping):
                    attrs[str(name).lower()] = str(value)

    def _invalidate(self, mutation: Mapping[str, Any]) -> None:
        """Drop what the mutation can change: the index on a structural change, else the content lookups
        on a text or naming-attribute change; a change of any other attribute (class, data-*) keeps both."""
        if self._index is None:
            return
        if mutation.get("removes") or mutation.get("adds"):
            self._index = None
            return
        content = bool(mutation.get("texts"))
        for change in mutation.get("attributes") or []:
            values = change.get("attributes") if isinstance(change, Mapping) else None
            if not isinstance(values, Mapping):
                continue
            for name in values:
                lowered = str(name).lower()
                if lowered in STRUCTURE_ATTRS:
                    self._index = None
                    return
                if lowered in CONTENT_ATTRS:
                    content = True
        if content:
            self._index.content = {}

    def _forget(self, node_id: int) -> None:
        old = self.nodes.get(node_id)
        if old is not None and old.parent in self.nodes and node_id in self.nodes[old.parent].children:
            self.nodes[old.parent].children.remove(node_id)

    def _remove(self, node_id: Any) -> None:
        if node_id not in self.nodes:
            return
        self._forget(node_id)
        stack = [node_id]
        while stack:
            node = self.nodes.pop(stack.pop(), None)
            if node:
                stack.extend(node.children)

    # --- reading -------------------------------------------------------------------------------------

    def get(self, node_id: Any) -> Node | None:
        return self.nodes.get(node_id) if isinstance(node_id, int) else None

    def parent(self, node: Node) -> Node | None:
        return self.nodes.get(node.parent) if node.parent is not None else None

    def ancestors(self, node: Node) -> Iterator[Node]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def children(self, node: Node) -> Iterator[Node]:
        for child_id in node.children:
            child = self.nodes.get(child_id)
            if child is not None:
                yield child

    def descendants(self, node: Node) -> Iterator[Node]:
        stack = list(reversed(list(self.children(node))))
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(list(self.children(current))))

    def elements(self) -> Iterator[Node]:
        return iter(self.index().elements)

    def by_dom_id(self, dom_id: str) -> Node | None:
        return self.index().by_dom_id.get(dom_id) if dom_id else None
