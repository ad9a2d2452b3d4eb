"""Repro steps: plain language from recorded events, named by the recorded DOM, values never shown."""

from __future__ import annotations

import pytest

from sessions.repro.markdown import steps_section
from sessions.repro.steps import StepKind, derive_steps, walk
from tests.sessions.repro.dom_factory import (
    T0,
    batches,
    click,
    console_error,
    el,
    failed_request,
    js_error,
    meta,
    mutation,
    route,
    snapshot,
    typed,
)

SHOP = "https://shop.example/shop"


def texts(events) -> list[str]:
    return [s.text for s in derive_steps(batches(*events))]


def test_click_is_named_by_the_buttons_accessible_name_and_the_page_path():
    button = el("button", {"class": "btn"}, "Add to cart")
    assert texts([meta(T0, SHOP), snapshot(T0, button), click(T0 + 500, button)]) == [
        "Opened /shop",
        "Clicked *Add to cart* on /shop",
    ]


def test_a_click_on_text_inside_a_button_names_the_button():
    amount = el("span", {"id": "pay-amount"}, "€14.50")
    button = el("button", {"id": "pay"}, "Pay ", amount)
    [_, step] = derive_steps(batches(meta(T0, SHOP), snapshot(T0, button), click(T0 + 1, amount)))
    assert step.text == "Clicked *Pay €14.50* on /shop"
    assert step.locator.code == "get_by_role('button', name='Pay €14.50', exact=True)"


def test_identical_buttons_get_a_locator_scoped_to_their_card_heading():
    cards = [
        el("article", {}, el("h2", {}, name), el("button", {}, "Add to cart")) for name in ("Espresso", "Mug")
    ]
    mug_button = cards[1]["childNodes"][1]
    [_, step] = derive_steps(batches(meta(T0, SHOP), snapshot(T0, *cards), click(T0 + 1, mug_button)))
    assert step.locator.strategy == "scoped_role"
    assert step.locator.code == (
        "get_by_role('article').filter(has=page.get_by_role('heading', name='Mug', exact=True))"
        ".get_by_role('button', name='Add to cart', exact=True)"
    )
    assert step.target == "Add to cart (Mug)"


def test_form_fields_are_found_by_label_and_typed_values_never_shown():
    card = el("input", {"id": "card", "autocomplete": "cc-number"})
    search = el("input", {"type": "search", "aria-label": "Search"})
    events = [
        meta(T0, SHOP),
        snapshot(T0, el("label", {"for": "card"}, "Card number"), card, search),
        typed(T0 + 1, card, "*"),
        typed(T0 + 2, card, "****"),
        typed(T0 + 3, search, "hunter2"),
    ]
    steps = derive_steps(batches(*events))
    assert [s.text for s in steps[1:]] == [
        "Typed into *Card number* (masked)",
        "Typed into *Search* (7 characters, not shown)",
    ]
    assert steps[1].locator.code == "get_by_label('Card number', exact=True)"
    assert steps[1].extra["length"] == 4
    assert "hunter2" not in repr(steps)


def test_programmatic_value_changes_are_not_steps_and_checkboxes_say_checked():
    box = el("input", {"type": "checkbox", "id": "terms", "aria-label": "Accept terms"})
    field = el("input", {"id": "total"})
    events = [
        meta(T0, SHOP),
        snapshot(T0, box, field),
        typed(T0 + 1, field, "***", userTriggered=False),
        typed(T0 + 2, box, "", isChecked=True),
    ]
    assert texts(events)[1:] == ["Checked *Accept terms*"]


def test_navigation_failed_request_and_errors_are_steps_once_each():
    link = el("a", {"href": "/checkout"}, "Checkout")
    events = [
        meta(T0, SHOP),
        snapshot(T0, link),
        meta(T0 + 100, SHOP),  # a periodic snapshot of the same page is not a step
        snapshot(T0 + 100, link),
        click(T0 + 200, link),
        meta(T0 + 300, "https://shop.example/checkout"),
        route(T0 + 400, "https://shop.example/checkout/pay"),
        failed_request(T0 + 500, "https://shop.example/api/pay"),
        failed_request(T0 + 510, "https://cdn.other.example/x.js", method="GET", status=0),
        console_error(T0 + 600, "TypeError: settings is undefined"),
        js_error(T0 + 601, "Uncaught TypeError: settings is undefined"),
    ]
    assert texts(events) == [
        "Opened /shop",
        "Clicked *Checkout* on /shop",
        "Navigated to /checkout",
        "Navigated to /checkout/pay",
        "POST /api/pay → 500",
        "GET https://cdn.other.example/x.js → failed",
        "TypeError: settings is undefined",
    ]


def test_buttons_added_by_a_mutation_are_named_and_an_alert_after_a_failure_is_the_error_state():
    status = el("div", {"id": "status", "role": "alert", "hidden": ""})
    form = el("form", {}, status)
    dialog_button = el("button", {}, "Retry")
    events = [
        meta(T0, SHOP),
        snapshot(T0, form),
        mutation(T0 + 1, adds=[{"parentId": form["id"], "nextId": None, "node": dialog_button}]),
        click(T0 + 2, dialog_button),
        failed_request(T0 + 3, "https://shop.example/api/pay"),
        mutation(
            T0 + 4,
            adds=[
                {
                    "parentId": status["id"],
                    "nextId": None,
                    "node": el("span", {}, "Payment failed: 500 [card]"),
                }
            ],
            attributes=[{"id": status["id"], "attributes": {"hidden": None}}],
        ),
    ]
    result = walk(batches(*events))
    assert result.steps[1].text == "Clicked *Retry* on /shop"
    assert result.error_state.code == "get_by_role('alert')"
    assert result.error_state.text == "Payment failed: 500"


def test_an_element_without_name_label_or_text_gets_a_flagged_css_path():
    icon = el("div", {"class": "icon"})
    wrapper = el("div", {}, el("div", {}), icon)
    [_, step] = derive_steps(batches(meta(T0, SHOP), snapshot(T0, wrapper), click(T0 + 1, icon)))
    assert step.locator.strategy == "css"
    assert step.locator.fragile
    assert "FRAGILE" in step.locator.note
    assert step.locator.code == "locator('div > div:nth-of-type(2)')"


def test_rapid_clicks_on_one_element_are_one_step():
    button = el("button", {}, "Pay")
    events = [meta(T0, SHOP), snapshot(T0, button), *(click(T0 + 100 * n, button) for n in range(1, 5))]
    assert texts(events)[1:] == ["Clicked *Pay* 4 times on /shop"]


def test_steps_are_deterministic_and_the_markdown_escapes_recorded_text():
    evil = el("button", {}, "<img src=x onerror=alert(1)> *bold* _it_ | `code`")
    events = [meta(T0, SHOP), snapshot(T0, evil), click(T0 + 2500, evil)]
    assert derive_steps(batches(*events)) == derive_steps(batches(*events))
    lines = steps_section(
        derive_steps(batches(*events)), start_ts=T0, replay_url="https://sr.example/sessions/x/"
    )
    assert lines[3] == (
        "2. [`00:02`](<https://sr.example/sessions/x/?t=2.5>) Clicked "
        r"*\<img src=x onerror=alert(1)\> \*bold\* \_it\_ \| \`code\`* on /shop"
    )


def test_step_kinds_cover_every_kind_of_step():
    assert {k.value for k in StepKind} == {"open", "navigate", "click", "input", "request", "error"}


def test_a_batch_resent_after_the_next_page_load_is_walked_in_the_customers_order():
    from sessions.archive.chunking import Batch

    button = el("button", {}, "Add to cart")
    field = el("input", {"aria-label": "Card number"})
    page_one = [meta(T0, SHOP), snapshot(T0, button)]
    late_click = [click(T0 + 100, button)]  # unacked when the page unloaded, resent from the next page
    page_two = [
        meta(T0 + 500, "https://shop.example/checkout"),
        snapshot(T0 + 500, field),
        typed(T0 + 600, field),
    ]
    stored = [
        Batch("tab-a", 0, T0, page_one),
        Batch("tab-a", 2, T0 + 1, page_two),
        Batch("tab-a", 1, T0 + 2, late_click),
    ]
    assert [s.text for s in derive_steps(stored)] == [
        "Opened /shop",
        "Clicked *Add to cart* on /shop",
        "Navigated to /checkout",
        "Typed into *Card number* (masked)",
    ]


def test_a_batch_more_than_the_reorder_window_late_is_walked_where_it_arrived():
    from sessions.archive.chunking import Batch
    from sessions.repro.steps import Walking

    button = el("button", {}, "Add to cart")
    fields = [el("input", {"aria-label": f"Field {n}"}) for n in range(3)]
    page = [meta(T0, SHOP), snapshot(T0, button, *fields)]
    late_click = Batch("tab-a", 1, T0 + 2, [click(T0 + 100, button)])
    later = [Batch("tab-a", 2 + n, T0 + 3 + n, [typed(T0 + 200 + n, fields[n])]) for n in range(3)]

    def order(window: int) -> list[int]:
        walking = Walking(window=window)
        for batch in [Batch("tab-a", 0, T0, page), *later, late_click]:
            walking.add(batch)
        return [s.ts - T0 for s in walking.finish().steps if s.kind in (StepKind.CLICK, StepKind.INPUT)]

    assert order(window=3) == [100, 200, 201, 202]  # three places late: put back in place
    assert order(window=2) == [200, 100, 201, 202]  # one more than the window: walked where it arrived


def test_past_max_steps_the_steps_only_walk_stops_with_the_same_steps():
    from sessions.repro.steps import MAX_STEPS

    buttons = [el("button", {}, "Add to cart"), el("button", {}, "Remove")]
    alert = el("div", {"role": "alert"}, "Ready")
    events = [meta(T0, SHOP), snapshot(T0, *buttons, alert)]
    events += [click(T0 + 5000 * (n + 1), buttons[n % 2]) for n in range(MAX_STEPS + 5)]
    late = T0 + 5000 * (MAX_STEPS + 10)
    events += [
        js_error(late, "Payment failed"),
        mutation(late + 1, texts=[{"id": alert["childNodes"][0]["id"], "value": "Payment failed"}]),
    ]
    full, steps_only = walk(batches(*events)), walk(batches(*events), steps_only=True)
    assert len(full.steps) == MAX_STEPS
    assert full.truncated
    assert full.error_state is not None
    assert (steps_only.steps, steps_only.truncated) == (full.steps, True)
    assert steps_only.error_state is None  # not walked: only the Playwright export needs it


@pytest.mark.django_db(transaction=True)
def test_steps_of_an_archived_session_are_stored_with_it_and_served_without_reading_the_recording(
    agent_client, redis_db, media
):
    from django.core.cache import cache
    from django.core.files.storage import default_storage

    from sessions.archive import source
    from sessions.models import RecordingSession
    from sessions.repro.steps import payload
    from sessions.repro.views import cache_key
    from tests.sessions.test_exports import archived_session

    sid = archived_session(minutes=1)
    session = RecordingSession.objects.get(pk=sid)
    stored = session.summary["repro_steps"]
    recording = source.load(session)
    assert stored == payload(walk(source.iter_batches(session)), recording.start_ts)  # the same walk
    assert stored["steps"][0]["text"] == "Opened /cart"

    assert "repro_steps" not in agent_client.get(f"/sessions/{sid}/data/manifest").json()["summary"]
    default_storage.delete(recording.archive.storage_name)  # a walk on request would fail now
    assert agent_client.get(f"/sessions/{sid}/data/steps").json() == stored
    assert cache.get(cache_key(recording)) is None


@pytest.mark.django_db(transaction=True)
def test_steps_of_a_session_archived_before_steps_were_stored_are_walked_once(agent_client, redis_db, media):
    from django.core.cache import cache

    from sessions.archive import source
    from sessions.models import RecordingSession
    from sessions.repro.views import cache_key
    from tests.sessions.test_exports import archived_session

    sid = archived_session(minutes=1)
    session = RecordingSession.objects.get(pk=sid)
    stored = session.summary.pop("repro_steps")
    session.save(update_fields=["summary"])
    first = agent_client.get(f"/sessions/{sid}/data/steps").json()
    assert first == stored
    assert cache.get(cache_key(source.load(session))) == first
    assert agent_client.get(f"/sessions/{sid}/data/steps").json() == first
