// The recorded page's side of cross-origin iframes (docs/FIDELITY.md "Cross-origin iframes"). A framed
// page of another origin is recorded only when it carries the loader configured to join this page's origin
// (`data-sr-parents`); then its own rrweb posts its events here and rrweb's parent side merges them into
// this recording (recordCrossOriginIframes, patched in static/rrweb_fixes.mjs to ask `accept` below).
//
// Handshake (messages `{sr: "frame", step}`):
//   parent -> every frame, "*":       ask       (carries nothing; a frame whose loader is configured answers)
//   frame  -> parent, its origin(s):  hello
//   parent -> that frame, its origin: join {options}  (only to a direct child frame of another origin)
//   parent -> joined frames:          snapshot (after each full snapshot here), stop
//   frame  -> parent, parent origin:  rrweb's {type: "rrweb", event, origin, isCheckout}
// A frame's events are accepted only from a frame that said hello, from the origin it said it from, and
// only kinds confined to its own frame (rrweb renumbers their node ids per frame): no plugin, meta or
// viewport events and no custom events but captured files of its own origin, so a framed page cannot
// write the recording's panels, URL or size, nor the files of any other origin. Input values
// are masked here again (defence in depth), and every event then takes this page's privacy pass.
import { ASSET_TAG } from "./assets.js";
import { maskInput } from "./masking.js";

export const FRAME_MESSAGE = "frame";
// rrweb IncrementalSource values a frame may send: mutation, mouse move/interaction, scroll, input, touch,
// media, stylesheet rule, canvas, drag, style declaration, selection, adopted stylesheet. Not 4 (viewport
// resize, the recording's own size), 10 (font), 11 (log), 16 (custom element).
const FRAME_SOURCES = new Set([0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 14, 15]);
const MASKED_INPUT_TYPES = new Set([
  "", "text", "email", "search", "tel", "url", "password", "number", "date", "time", "datetime-local", "month",
  "week", "range", "color",
]); // prettier-ignore
const STARS = /^\**$/;
// A joined frame's events per second (token bucket) and burst: far above what rrweb's sampling sends for
// one frame, low enough that a flooding frame cannot use up the session's rate and size limits alone.
// Events past it are dropped and the frame is asked for a fresh snapshot once it is back under the limit.
export const FRAME_EVENTS_PER_SECOND = 100;
export const FRAME_EVENTS_BURST = 500;

function urlOrigin(url) {
  try {
    return new URL(url).origin;
  } catch (e) {
    return null;
  }
}

/**
 * Whether a framed page's rrweb event stays within its frame. The one custom event taken: a captured
 * file (`sr.asset`) of the frame's own origin, a URL whose content that origin serves anyway.
 */
export function frameEventAllowed(event, frameOrigin) {
  if (!event || typeof event !== "object") return false;
  if (event.type === 5) {
    const payload = event.data && event.data.tag === ASSET_TAG && event.data.payload;
    return Boolean(payload && typeof payload.url === "string" && urlOrigin(payload.url) === frameOrigin);
  }
  if (event.type === 2) return Boolean(event.data && event.data.node && typeof event.data.node === "object");
  if (event.type !== 3 || !event.data) return false;
  if (!FRAME_SOURCES.has(event.data.source)) return false;
  if (event.data.source === 0) {
    const d = event.data;
    return [d.adds, d.removes, d.texts, d.attributes].every(Array.isArray);
  }
  return true;
}

const masked = (value) => (typeof value === "string" && !STARS.test(value) ? maskInput(value) : value);

function maskNode(node) {
  if (!node || typeof node !== "object") return;
  if (node.type === 2 && node.attributes && typeof node.attributes === "object") {
    const tag = String(node.tagName || "").toLowerCase();
    const type = String(node.attributes.type || "").toLowerCase();
    if (tag === "textarea" || tag === "select" || (tag === "input" && MASKED_INPUT_TYPES.has(type))) {
      if ("value" in node.attributes) node.attributes.value = masked(node.attributes.value);
    }
  }
  if (Array.isArray(node.childNodes)) for (const child of node.childNodes) maskNode(child);
}

/**
 * Every input value of a framed page's event as a `*` run, whatever the frame's recorder did: typed
 * values, `value` attributes of text-like controls in snapshots and added nodes, and `value` attribute
 * changes (which carry no tag: every one is masked). Mutates and returns the event.
 */
export function maskFrameInputs(event) {
  if (event.type === 2) maskNode(event.data.node);
  else if (event.data.source === 5) event.data.text = masked(event.data.text);
  else if (event.data.source === 0) {
    for (const add of event.data.adds) maskNode(add && add.node);
    for (const change of event.data.attributes) {
      if (change && change.attributes && "value" in change.attributes) {
        change.attributes.value = masked(change.attributes.value);
      }
    }
  }
  return event;
}

/** The link's capture options a framed recorder needs: the same masking, canvas and asset rules. */
export function frameOptions(options) {
  const maskAll = Boolean(options && options.mask_all_text);
  return {
    mask_all_text: maskAll,
    canvas: !(options && options.canvas === false),
    assets: Boolean(options && options.assets) && !maskAll,
  };
}

function isDirectFrame(win, source) {
  for (let i = 0; i < win.frames.length; i += 1) if (win.frames[i] === source) return true;
  return false;
}

function sameOrigin(source) {
  try {
    return Boolean(source.document);
  } catch (e) {
    return false;
  }
}

/** The origins a recorded page lets join (its loader tag's `data-sr-frames`), or null for any. */
export function allowedFrameOrigins(doc, loaderSrc) {
  for (const script of doc.scripts || []) {
    if (script.src !== loaderSrc) continue;
    const listed = (script.getAttribute("data-sr-frames") || "").split(/\s+/).filter(Boolean);
    return listed.length ? new Set(listed) : null;
  }
  return null;
}

/** A token bucket per frame: `take(now)` is false past the rate. */
export function frameBudget(rate = FRAME_EVENTS_PER_SECOND, burst = FRAME_EVENTS_BURST) {
  let tokens = burst;
  let at = null;
  return {
    take(now) {
      if (at !== null) tokens = Math.min(burst, tokens + ((now - at) / 1000) * rate);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/**
 * Start answering frames' hellos. `isBlocked(iframeEl)`: an `rr-block` frame is never recorded inside;
 * `origins`: the frame origins allowed to join (null: any other origin whose loader asks to).
 * Returns {accept, afterSnapshot, stop}; `accept(iframeEl, messageEvent)` is rrweb's per-message check.
 */
export function createFrameHost(win, { options, isBlocked, origins = null, now = () => Date.now() }) {
  const joined = new Map(); // a frame's WindowProxy -> {origin it joined from, budget, dropped}
  const post = (target, message, origin) => {
    try {
      target.postMessage({ sr: FRAME_MESSAGE, ...message }, origin);
    } catch (e) {
      // A frame gone or navigated away: nothing to tell it.
    }
  };
  const elementOf = (source) => {
    for (const frame of win.document.querySelectorAll("iframe")) if (frame.contentWindow === source) return frame;
    return null;
  };
  const onMessage = (ev) => {
    const data = ev.data;
    if (!data || data.sr !== FRAME_MESSAGE || data.step !== "hello") return;
    const { source, origin } = ev;
    if (!source || !origin || origin === "null" || origin === win.location.origin) return;
    if (origins && !origins.has(origin)) return;
    if (!isDirectFrame(win, source) || sameOrigin(source)) return; // same-origin frames are recorded directly
    const frame = elementOf(source);
    if (frame && isBlocked(frame)) return;
    joined.set(source, { origin, budget: frameBudget(), dropped: false });
    post(source, { step: "join", options: frameOptions(options) }, origin);
  };
  win.addEventListener("message", onMessage);
  for (let i = 0; i < win.frames.length; i += 1) post(win.frames[i], { step: "ask" }, "*");

  return {
    accept(iframeEl, ev) {
      const frame = ev && joined.get(ev.source);
      if (!frame || frame.origin !== ev.origin || isBlocked(iframeEl)) return false;
      if (!frameEventAllowed(ev.data.event, frame.origin)) return false;
      if (!frame.budget.take(now())) {
        frame.dropped = true;
        return false;
      }
      if (frame.dropped) {
        // Events were lost: a fresh snapshot of the frame puts the replay right again.
        frame.dropped = false;
        if (ev.data.event.type !== 2) post(ev.source, { step: "snapshot" }, frame.origin);
      }
      if (ev.data.event.type !== 5) maskFrameInputs(ev.data.event);
      return true;
    },
    /** This page took a full snapshot (which holds the frames empty): the joined frames send theirs. */
    afterSnapshot() {
      for (const [source, frame] of joined) post(source, { step: "snapshot" }, frame.origin);
    },
    stop() {
      win.removeEventListener("message", onMessage);
      for (const [source, frame] of joined) post(source, { step: "stop" }, frame.origin);
      joined.clear();
    },
  };
}
