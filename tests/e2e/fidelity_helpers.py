"""Shared steps of the fidelity end-to-end tests: a customer on the demo preferences page, an agent's view
of the replay iframe, and the state of every form control on either side."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.e2e.conftest import banner_text, wait_for

# The state of every control on the demo page, as plain values: the same script runs on the customer's
# page and inside the agent's replay iframe. For a select: the shown option's text.
CONTROLS_JS = """
const frame = document.querySelector('[data-stage] iframe');
const doc = arguments[0] === 'replay' ? frame && frame.contentDocument : document;
if (!doc) return null;
const out = {};
for (const el of doc.querySelectorAll('select, input, textarea')) {
  if (!el.id) continue;
  const type = el.tagName === 'INPUT' ? el.type : el.tagName.toLowerCase();
  let shown;
  if (type === 'select') shown = el.selectedIndex < 0 ? '' : el.options[el.selectedIndex].text;
  else if (type === 'checkbox' || type === 'radio') shown = el.checked;
  else shown = el.value;
  out[el.id] = {type, shown, masked: el.hasAttribute('data-sr-masked')};
}
return out;
"""


def controls(driver, side: str) -> dict:
    return driver.execute_script(CONTROLS_JS, side) or {}


def open_prefs(driver, base: str, path: str = "/demo/fidelity", **link_fields):
    from tests.sessions.factories import make_session

    recording = make_session(f"{base}{path}", **link_fields)
    driver.get(f"{base}{path}#sr={recording.credential}")
    wait_for(lambda: "Sharing this tab" in banner_text(driver), message="customer's banner")
    return recording


def change_controls(driver, plan: str = "Team", country: str = "Germany") -> None:
    """What a customer does: pick options, untick the default-ticked box, move the slider, type."""
    Select(driver.find_element(By.ID, "plan")).select_by_visible_text(plan)
    Select(driver.find_element(By.ID, "country")).select_by_visible_text(country)
    driver.find_element(By.ID, "news").click()
    driver.find_element(By.ID, "terms").click()
    driver.find_element(By.ID, "ship-exp").click()
    driver.find_element(By.ID, "volume").send_keys(Keys.END)
    qty = driver.find_element(By.ID, "qty")
    qty.send_keys(Keys.BACKSPACE, "5")
    driver.execute_script(
        "const d = document.getElementById('when'); d.value = '2027-03-14';"
        "d.dispatchEvent(new Event('input', {bubbles: true}));"
        "const c = document.getElementById('tint'); c.value = '#ff8800';"
        "c.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    driver.find_element(By.ID, "note").send_keys("Leave at the door")


def mismatches(customer: dict, replay: dict) -> list[str]:
    """Controls whose replayed state is neither the customer's nor visibly masked."""
    wrong = []
    for name, real in customer.items():
        shown = replay.get(name)
        if shown is None:
            wrong.append(f"{name}: missing")
            continue
        kind = real["type"]
        if kind in ("checkbox", "radio"):
            ok = shown["shown"] == real["shown"]
        elif kind == "select":
            ok = shown["shown"] == real["shown"] or "(masked)" in str(shown["shown"])
        elif kind in ("text", "textarea", "email", "search", "tel", "url", "password"):
            ok = shown["shown"] == real["shown"] or (
                set(str(shown["shown"])) == {"*"} and len(shown["shown"]) == min(len(real["shown"]), 16)
            )
        else:
            ok = shown["shown"] == real["shown"] or shown["masked"]
        if not ok:
            wrong.append(f"{name}: customer {real['shown']!r}, agent {shown['shown']!r}")
    return wrong
