// How rrweb is configured and what is done to each event before it is batched. Pure (no DOM access at
// import time) so node can test the event masking.
import { ASSET_TAG } from "./assets.js";
import { makeOwnTrafficTest, sanitizeRequest } from "./headers.js";
import { makeTextMasker, maskInput, maskUrl, stripCredential, truncate } from "./masking.js";
import { redactEvent } from "./redact.js";

export const CONSOLE_PLUGIN = "rrweb/console@1";
export const NETWORK_PLUGIN = "rrweb/network@1";
const ARG_LIMIT = 1000;
export const CANVAS_FPS = 2;

/** rrweb `record` options for the link's capture options (from `ready.options`). */
export function recordOptions(options) {
  return {
    maskAllInputs: true,
    maskInputOptions: { password: true },
    maskInputFn: maskInput,
    // Every text node goes through maskTextFn, which masks cards/emails or everything (see masking.js).
    maskTextSelector: "*",
    maskTextFn: makeTextMasker(!!options.mask_all_text),
    blockClass: "rr-block",
    blockSelector: "sr-banner",
    ignoreClass: "rr-ignore",
    maskTextClass: "rr-mask",
    checkoutEveryNms: options.checkout_ms > 0 ? options.checkout_ms : undefined,
    recordAfter: "DOMContentLoaded",
    slimDOMOptions: "all",
    inlineImages: false,
    // Canvas (charts) at a low frame rate, only changed frames (rrweb's worker compares them), as WebP.
    // Not with "mask all text": text drawn on a canvas cannot be masked. rr-block canvases stay blank.
    recordCanvas: !options.mask_all_text && options.canvas !== false,
    dataURLOptions: { type: "image/webp", quality: 0.6 },
    collectFonts: false,
    sampling: { mousemove: 50, scroll: 150, input: "all", canvas: CANVAS_FPS },
  };
}

/** Whether the page lets rrweb sample canvases in a worker made from a blob: URL (its CSP may not). */
export function workersAllowed(win) {
  try {
    const url = win.URL.createObjectURL(new win.Blob([""], { type: "text/javascript" }));
    new win.Worker(url).terminate();
    win.URL.revokeObjectURL(url);
    return true;
  } catch (e) {
    return false;
  }
}

export function consolePluginOptions() {
  return {
    level: ["assert", "debug", "dir", "error", "info", "log", "table", "trace", "warn"],
    lengthThreshold: 1000,
    stringifyOptions: { stringLengthLimit: ARG_LIMIT, numOfKeysLimit: 50, depthOfLimit: 4 },
  };
}

export function networkPluginOptions(options, supportOrigin) {
  const isOwn = makeOwnTrafficTest(supportOrigin);
  return {
    // fetch/XHR through the plugin's patches (method + status), beacons through resource timing.
    initiatorTypes: ["fetch", "xmlhttprequest", "beacon"],
    recordHeaders: true,
    recordBody: !!options.bodies,
    // Requests the page made before the recorder started (it loads async), from resource timing.
    recordInitialRequests: true,
    transformRequestFn: (request) =>
      sanitizeRequest(request, { bodies: !!options.bodies, isOwn, maskAllText: !!options.mask_all_text }),
  };
}

/**
 * Last line of defence before an event is batched: the whole privacy contract (redact.js) on every
 * string of the event, and no recording credential in the page URL. `options`: the link's capture
 * options (`mask_all_text` also masks URLs and titles).
 */
export function maskEvent(event, options) {
  if (!event || typeof event !== "object") return event;
  if (event.type === 4 && event.data && typeof event.data.href === "string") {
    event.data.href = stripCredential(event.data.href);
  }
  return redactEvent(event, !!(options && options.mask_all_text));
}

/** maskEvent for every recorded event; an asset's file bytes (base64) are not text and skip it. */
export function maskRecordedEvent(event, options) {
  const payload = event && event.type === 5 && event.data && event.data.tag === ASSET_TAG && event.data.payload;
  if (!payload || payload.data === undefined) return maskEvent(event, options);
  const { data, ...rest } = payload;
  event.data.payload = rest;
  const masked = maskEvent(event, options);
  masked.data.payload.data = data;
  return masked;
}

function stringifyArg(value) {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch (e) {
    return String(value);
  }
}

/** A console plugin event at level error (what rrweb's console plugin makes of an uncaught error too). */
export function isConsoleError(event) {
  return Boolean(
    event &&
      event.type === 6 &&
      event.data &&
      event.data.plugin === CONSOLE_PLUGIN &&
      event.data.payload &&
      event.data.payload.level === "error",
  );
}

/** Console calls the loader buffered before the recorder ran, as console plugin events. */
export function earlyConsoleEvents(queue, timestamp) {
  return (queue || []).map(([level, , args]) => ({
    type: 6,
    timestamp,
    data: {
      plugin: CONSOLE_PLUGIN,
      payload: { level, trace: [], payload: (args || []).map((a) => truncate(stringifyArg(a), ARG_LIMIT)) },
    },
  }));
}

/** An `sr.error` payload from an ErrorEvent or a PromiseRejectionEvent. */
export function errorPayload(ev) {
  if (ev && ev.type === "unhandledrejection") {
    const reason = ev.reason;
    const isError = reason && typeof reason === "object" && "message" in reason;
    return {
      kind: "unhandledrejection",
      message: truncate(isError ? `${reason.name || "Error"}: ${reason.message}` : stringifyArg(reason), 2000),
      stack: truncate(isError && reason.stack ? String(reason.stack) : "", 8000),
    };
  }
  const error = ev && ev.error;
  return {
    kind: "error",
    message: truncate(String((ev && ev.message) || (error && error.message) || "Error"), 2000),
    source: ev && ev.filename ? maskUrl(ev.filename) : "",
    line: (ev && ev.lineno) || 0,
    column: (ev && ev.colno) || 0,
    stack: truncate(error && error.stack ? String(error.stack) : "", 8000),
  };
}
