"""The generated Playwright reproduction: valid Python, stable locators, placeholders, assertions."""

from __future__ import annotations

import ast

from sessions.exports.har import build_har
from sessions.repro.playwright import build_playwright_test, comment, repro_har, stable_message
from sessions.repro.steps import walk
from tests.sessions.repro.dom_factory import (
    T0,
    batches,
    click,
    console_error,
    el,
    failed_request,
    meta,
    mutation,
    snapshot,
    typed,
)

SHOP = "https://shop.example/checkout#sr=credential-never-written"


def generate(*events):
    result = walk(batches(*events))
    return build_playwright_test(
        result, session_id="0123456789abcdef", replay_url="https://sr/s/x/", start_ts=T0
    )


def checkout_events(button_text: str = "Pay"):
    card = el("input", {"id": "card", "autocomplete": "cc-number"})
    email = el("input", {"id": "email", "type": "email"})
    pay = el("button", {"type": "submit"}, button_text)
    status = el("div", {"role": "alert", "hidden": ""})
    body = [
        el("label", {"for": "card"}, "Card number"),
        card,
        el("label", {"for": "email"}, "Email"),
        email,
        pay,
        status,
    ]
    return [
        meta(T0, SHOP),
        snapshot(T0, *body),
        typed(T0 + 100, card, "****"),
        typed(T0 + 200, email, "*********"),
        click(T0 + 300, pay),
        failed_request(T0 + 700, "https://shop.example/api/pay"),
        console_error(T0 + 710, '"Payment failed:"', '"500 Provider down"'),
        mutation(
            T0 + 720,
            attributes=[{"id": status["id"], "attributes": {"hidden": None}}],
            adds=[
                {
                    "parentId": status["id"],
                    "nextId": None,
                    "node": el("b", {}, "Payment failed: 500 Provider down"),
                }
            ],
        ),
    ]


def test_checkout_failure_becomes_a_test_with_labels_placeholders_and_failure_assertions():
    name, source = generate(*checkout_events())
    assert name == "test_repro_01234567.py"
    ast.parse(source)
    assert "RECORDED_ORIGIN = 'https://shop.example'" in source
    assert "page.goto(url('/demo/'))" not in source
    assert "page.goto(url('/checkout'))" in source
    assert "sr=" not in source
    assert "credential" not in source
    assert "page.get_by_label('Card number', exact=True).fill(PLACEHOLDERS['Card number'])" in source
    assert "'Card number': '4242 4242 4242 4242',  # card" in source
    assert "'Email': 'masked@example.com',  # email" in source
    assert (
        "    with page.expect_response(lambda r: same_request(r, 'POST', url('/api/pay'))) as failed_1:\n"
        "        page.get_by_role('button', name='Pay', exact=True).click()"
    ) in source
    assert "assert failed_1.value.status == 500" in source
    # The response body was not recorded: the HAR replays the status, so the message is cut after it.
    assert "any('Payment failed: 500' in e for e in errors)" in source
    assert "expect(page.get_by_role('alert')).to_contain_text('Payment failed: 500')" in source
    assert 'page.route_from_har(moved, not_found="fallback")' in source


def test_recorded_text_cannot_inject_code_or_break_out_of_a_comment():
    evil = "x')\nimport os; os.system('rm -rf /') #"
    _, source = generate(*checkout_events(button_text=evil))
    tree = ast.parse(source)
    calls = {
        n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    assert "system" not in calls
    assert not any(
        isinstance(n, ast.Import) and n.names[0].name == "os" and n.col_offset for n in ast.walk(tree)
    )
    assert "\nimport os; os.system" not in source
    assert comment("a\nb\r\u2028c\x00d") == "a b c d"


def test_an_element_found_only_by_css_path_is_flagged_in_the_test():
    icon = el("div", {"class": "icon"})
    _, source = generate(
        meta(T0, SHOP), snapshot(T0, el("div", {}, el("span", {}), icon)), click(T0 + 1, icon)
    )
    assert "    # FRAGILE: CSS path" in source
    assert "page.locator('div > div').click()" in source


def test_stable_message_cuts_masked_text_and_unrecorded_answers():
    [failure] = [s for s in walk(batches(meta(T0, SHOP), failed_request(T0 + 1, "https://shop.example/api"))).steps
                 if s.kind == "request"]  # fmt: skip
    assert stable_message("Payment failed: 500 Provider down", [failure]) == "Payment failed: 500"
    assert stable_message("Receipt sent to [email] soon", []) == "Receipt sent to"


def test_the_repro_har_keeps_api_answers_and_failures_only():
    api = "https://shop.example/api"
    requests = [
        {"url": "https://shop.example/app.js", "method": "GET", "status": 200, "initiatorType": "script"},
        {"url": f"{api}/cart", "method": "GET", "status": 200, "initiatorType": "fetch"},
        {"url": f"{api}/me", "method": "GET", "status": 200, "initiatorType": "fetch", "responseBody": "{}"},
        {"url": f"{api}/pay", "method": "POST", "status": 500, "initiatorType": "fetch"},
    ]
    plugin = {"plugin": "rrweb/network@1", "payload": {"requests": requests}}
    events = [meta(T0, SHOP), {"type": 6, "timestamp": T0 + 5, "data": plugin}]
    har = repro_har(build_har(batches(*events)))
    assert [e["request"]["url"].rsplit("/", 1)[1] for e in har["log"]["entries"]] == ["me", "pay"]
