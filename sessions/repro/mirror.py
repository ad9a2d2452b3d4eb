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
    # Derived lookups (accessible names, roles, texts...), filled on demand by a11y for this version only.
    cache: dict[str, Any] = field(default_factory=dict)


def _hides(node: Node) -> bool:
    attrs = node.attrs
    return (
        "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or (node.tag == "input" and attrs.get("type") == "hidden")
        or bool(_DISPLAY_NONE.search(attrs.get("style", "")))
    )


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
            root = self.nodes.get(self.root) if self.root is not None else None
            stack = [(root, False)] if root is not None else []
            while stack:
                node, parent_hidden = stack.pop()
                is_hidden = parent_hidden
                if node.type == ELEMENT:
                    is_hidden = parent_hidden or _hides(node)
                    elements.append(node)
                    by_dom_id.setdefault(node.attrs.get("id", ""), node)
                    if node.tag == "label" and node.attrs.get("for"):
                        labels_for.setdefault(node.attrs["for"], node)
                    if is_hidden:
                        hidden.add(node.id)
                stack.extend((c, is_hidden) for c in reversed(list(self.children(node))))
            self._index = Index(elements, by_dom_id, labels_for, hidden)
        return self._index

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
        self._index = None
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
            attrs = self.nodes[change["id"]].attrs
            values = change.get("attributes") if isinstance(change.get("attributes"), Mapping) else {}
            for name, value in values.items():
                if value is None:
                    attrs.pop(str(name).lower(), None)
                elif not isinstance(value, Mapping):
                    attrs[str(name).lower()] = str(value)

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
