// Popover open state for the replay. `:popover-open` is a state, not an attribute, so rrweb records a
// popover as closed (hidden) whatever the customer saw. While recording, an open popover carries the
// attribute below; rrweb records it like any attribute (snapshots and mutations) and the player shows
// the popover in the replay's top layer (static/player/src/toplayer.js). The page's own code never reads
// it; it is removed when recording stops.
export const OPEN_ATTR = "data-sr-popover-open";

function isOpen(el) {
  try {
    return el.matches(":popover-open");
  } catch (e) {
    return false;
  }
}

export function watchPopovers(doc, isOurs) {
  const sync = (el) => {
    if (!el || el.nodeType !== 1 || !el.hasAttribute("popover") || isOurs(el)) return;
    if (isOpen(el)) {
      if (!el.hasAttribute(OPEN_ATTR)) el.setAttribute(OPEN_ATTR, "");
    } else if (el.hasAttribute(OPEN_ATTR)) {
      el.removeAttribute(OPEN_ATTR);
    }
  };
  const onToggle = (event) => sync(event.target);
  doc.addEventListener("toggle", onToggle, true);
  for (const el of doc.querySelectorAll("[popover]")) sync(el);
  return () => {
    doc.removeEventListener("toggle", onToggle, true);
    for (const el of doc.querySelectorAll(`[${OPEN_ATTR}]`)) el.removeAttribute(OPEN_ATTR);
  };
}
