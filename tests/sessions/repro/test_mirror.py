"""The recorded DOM's lookups follow mutations: what a mutation cannot change is kept, the rest redone."""

from __future__ import annotations

from sessions.repro import a11y
from sessions.repro.mirror import Mirror


def element(node_id: int, tag: str, attrs: dict | None = None, *children: dict) -> dict:
    return {"type": 2, "id": node_id, "tagName": tag, "attributes": attrs or {}, "childNodes": list(children)}


def text(node_id: int, value: str) -> dict:
    return {"type": 3, "id": node_id, "textContent": value}


def page() -> Mirror:
    mirror = Mirror()
    mirror.load(
        {
            "type": 0,
            "id": 1,
            "childNodes": [
                element(
                    2,
                    "body",
                    {},
                    element(3, "button", {"class": "btn"}, text(4, "Pay")),
                    element(
                        5, "div", {"style": "display: none"}, element(6, "button", {}, text(7, "Hidden"))
                    ),
                    element(8, "div", {}, element(9, "span", {}, text(10, "kept"))),
                )
            ],
        }
    )
    return mirror


def attributes(node_id: int, **values) -> dict:
    return {"attributes": [{"id": node_id, "attributes": values}]}


def test_a_class_change_keeps_the_index_a_naming_change_renames_and_a_hiding_change_rebuilds():
    mirror = page()
    button = mirror.get(3)
    index = mirror.index()
    assert a11y.name(mirror, button) == "Pay"
    mirror.apply(attributes(3, **{"class": "btn active", "data-state": "on"}))
    assert mirror.index() is index
    mirror.apply(attributes(3, **{"aria-label": "Pay now"}))
    assert mirror.index() is index
    assert a11y.name(mirror, button) == "Pay now"
    mirror.apply(attributes(3, **{"aria-label": None}))
    mirror.apply({"texts": [{"id": 4, "value": "Pay €14.50"}]})
    assert a11y.name(mirror, button) == "Pay €14.50"
    assert a11y.by_role(mirror, "button") == [button]
    mirror.apply(attributes(3, role="link"))
    assert mirror.index() is not index
    assert a11y.role(button) == "link"
    assert a11y.by_role(mirror, "button") == []
    mirror.apply(attributes(3, hidden=""))
    assert a11y.is_hidden(mirror, button)
    assert button not in a11y.visible(mirror)


def test_is_hidden_on_a_stale_index_answers_as_the_rebuilt_index_would():
    mirror = page()
    mirror.apply(
        {
            "adds": [
                {"parentId": 5, "nextId": None, "node": element(11, "p", {})},
                {"parentId": 8, "nextId": None, "node": element(12, "p", {})},
                {"parentId": 999, "nextId": None, "node": element(13, "p", {"id": "detached"})},
                # 8 again, without its span: the span (9) stays in the mirror but is no longer on the page
                {"parentId": 2, "nextId": None, "node": element(8, "div", {"aria-hidden": "true"})},
            ]
        }
    )
    assert mirror._index is None
    stale = {node_id: a11y.is_hidden(mirror, mirror.get(node_id)) for node_id in (3, 6, 9, 11, 12, 13, 8)}
    assert stale == {3: False, 6: True, 9: False, 11: True, 12: False, 13: False, 8: True}
    mirror.index()
    rebuilt = {node_id: a11y.is_hidden(mirror, mirror.get(node_id)) for node_id in stale}
    assert rebuilt == stale
