// What the replay header and start position need from the events, as pure functions (node-tested):
// the page and viewport at a moment, and the first moment with something on screen.

const META = 4;
const FULL = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const VIEWPORT_RESIZE = 4;
const ELEMENT = 2;
const TEXT = 3;
// Elements that show something even without text.
const VISIBLE_TAGS = new Set(["img", "svg", "canvas", "video", "input", "select", "textarea", "button", "iframe", "picture"]);

/**
 * The page URL and viewport at `ts` from panel rows (`nav` rows from Meta and route events, `viewport`
 * rows from resizes), sorted by time. Returns {href, viewport} ("" when unknown).
 */
export function pageAt(rows, ts) {
  let href = "";
  let viewport = "";
  for (const row of rows) {
    if (row.ts > ts) break;
    if (row.kind === "nav") {
      if (row.href) href = row.href;
      if (row.width && row.height) viewport = `${row.width}×${row.height}`;
    } else if (row.kind === "viewport" && row.width && row.height) {
      viewport = `${row.width}×${row.height}`;
    }
  }
  return { href, viewport };
}

/** The replayed viewport {width, height} at `ts` from raw events (Meta and viewport resizes). */
export function sizeAt(events, ts) {
  let size = null;
  for (const event of events) {
    if (event.timestamp > ts) break;
    const data = event.data || {};
    if (event.type === META || (event.type === INCREMENTAL && data.source === VIEWPORT_RESIZE)) {
      if (data.width && data.height) size = { width: data.width, height: data.height };
    }
  }
  return size;
}

function hasContent(node, inBody) {
  if (!node || typeof node !== "object") return false;
  if (node.type === TEXT) return inBody && !node.isStyle && typeof node.textContent === "string" && node.textContent.trim() !== "";
  if (node.type === ELEMENT) {
    const tag = String(node.tagName || "").toLowerCase();
    if (tag === "script" || tag === "style" || tag === "head" || tag === "noscript" || tag === "template") return false;
    const body = inBody || tag === "body";
    if (body && VISIBLE_TAGS.has(tag)) return true;
    const style = node.attributes && typeof node.attributes.style === "string" ? node.attributes.style : "";
    if (body && /background(-image)?\s*:[^;]*url\(/i.test(style)) return true;
    return (node.childNodes || []).some((child) => hasContent(child, body));
  }
  return (node.childNodes || []).some((child) => hasContent(child, inBody));
}

/**
 * The first moment with something on screen: the first full snapshot whose body shows text or a visible
 * element, else the first mutation after a snapshot that adds some. An app that renders after the
 * snapshot (a single-page app's empty root) otherwise opens the replay on a blank frame. Returns null
 * when nothing ever shows.
 */
export function firstContentTs(events) {
  let snapshotSeen = false;
  for (const event of events) {
    const data = event.data || {};
    if (event.type === FULL) {
      snapshotSeen = true;
      if (hasContent(data.node, false)) return event.timestamp;
    } else if (snapshotSeen && event.type === INCREMENTAL && data.source === MUTATION) {
      const adds = data.adds || [];
      if (adds.some((add) => hasContent(add.node, true))) return event.timestamp;
      if ((data.texts || []).some((t) => typeof t.value === "string" && t.value.trim() !== "")) return event.timestamp;
    }
  }
  return null;
}

/**
 * rrweb's play/pause offset (from `base`, the first held event) for the moment `target`. rrweb applies
 * only events strictly before the offset, so at the very end of the recording, where the last event
 * sits (a seek past the end is clamped there), one more millisecond: else the last change (often the
 * canvas frame or mutation the customer saw last) is never shown at the end.
 */
export function replayOffset(target, base, endTs) {
  return Math.max(0, target - base) + (target >= endTs ? 1 : 0);
}
