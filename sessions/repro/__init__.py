"""From a recording to a fix: plain-language repro steps and a runnable Playwright reproduction test.

Everything here is pure and reads only the stored, masked events: `mirror` rebuilds the recorded DOM from
rrweb snapshots and mutations, `a11y` names its elements the way assistive technology (and Playwright's
locators) do, `locators` picks the most stable way to find a clicked element, `steps` walks a session.
"""
