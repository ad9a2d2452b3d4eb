"""What rrweb alone shows wrong or blank: an open popover (hidden in the replay), a canvas chart (blank
without scripts in the replay sandbox) and a cross-origin iframe (a white box). The agent sees the open
popover, the chart as last sampled, and a labelled placeholder for the embedded page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import click
from tests.e2e.fidelity_helpers import open_prefs
from tests.e2e.live_helpers import poll, sign_in
from tests.helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.processes, pytest.mark.django_db(transaction=True)]

# The colour of one pixel inside the first bar of the chart on the customer's page.
PAGE_PIXEL_JS = """
const canvas = document.getElementById('chart');
return Array.from(canvas.getContext('2d').getImageData(30, 135, 1, 1).data).join(',');
"""

# The same pixel of what the agent sees: the sandbox shows no canvas drawing, so the player shows the
# frame as the canvas's background; decode that picture and read the pixel. Null until it is shown.
REPLAY_PIXEL_JS = """
const done = arguments[arguments.length - 1];
const doc = document.querySelector('[data-stage] iframe')?.contentDocument;
const canvas = doc && doc.getElementById('chart');
const match = canvas && /url\\("(.*)"\\)/.exec(canvas.style.backgroundImage);
if (!match || canvas.getBoundingClientRect().height < 50) return done(null);
const img = new Image();
img.onload = () => {
  const probe = document.createElement('canvas');
  probe.width = canvas.width;
  probe.height = canvas.height;
  const ctx = probe.getContext('2d');
  ctx.drawImage(img, 0, 0, probe.width, probe.height);
  done(Array.from(ctx.getImageData(30, 135, 1, 1).data).join(','));
};
img.onerror = () => done(null);
img.src = match[1];
"""

REPLAY_JS = """
const doc = document.querySelector('[data-stage] iframe')?.contentDocument;
if (!doc) return null;
const tip = doc.getElementById('tip');
const embed = doc.getElementById('embed');
return {
  popover: Boolean(tip && tip.matches(':popover-open')),
  embed: embed && embed.contentDocument ? embed.contentDocument.body.textContent : null,
};
"""


def close(replay: str | None, expected: str) -> bool:
    """Same colour within WebP's lossy error (frames are sampled as WebP at quality 0.6)."""
    if not replay:
        return False
    return (
        max(abs(int(a) - int(b)) for a, b in zip(replay.split(","), expected.split(","), strict=True)) <= 40
    )


def test_popover_canvas_and_cross_origin_iframe_in_the_live_view(customer, browser, daphne_server):
    base = daphne_server.url
    recording = open_prefs(customer, base, path="/demo/fidelity?embed=1")
    sign_in(browser, base, live.make_agent())
    browser.get(f"{base}/sessions/{recording.id}/live")
    first = customer.execute_script(PAGE_PIXEL_JS)
    poll(lambda: close(browser.execute_async_script(REPLAY_PIXEL_JS), first), timeout=10)

    # The chart changes colour: the next sampled frame (2 per second) reaches the agent.
    click(customer, "chart-next")
    second = customer.execute_script(PAGE_PIXEL_JS)
    assert second != first
    poll(lambda: close(browser.execute_async_script(REPLAY_PIXEL_JS), second), timeout=10)

    click(customer, "open-popover")
    poll(lambda: (browser.execute_script(REPLAY_JS) or {}).get("popover"), timeout=5)
    shown = browser.execute_script(REPLAY_JS)
    assert "not recorded" in shown["embed"]
    assert "localhost" in shown["embed"] or "127.0.0.1" in shown["embed"]

    # Closing it closes it in the replay too.
    customer.execute_script("document.getElementById('tip').hidePopover()")
    poll(lambda: (browser.execute_script(REPLAY_JS) or {}).get("popover") is False, timeout=5)
    browser.save_screenshot("/tmp/sr-fidelity-toplayer.png")
    customer.save_screenshot("/tmp/sr-fidelity-toplayer-customer.png")
