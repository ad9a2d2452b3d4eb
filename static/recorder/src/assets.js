// Images and fonts the customer's browser loaded, sent with the recording so the agent sees them
// (docs/PROTOCOL.md "Assets"; the agent's browser loads them from SupportReplay, never from the site).
//
// What is read: <img> files (the chosen srcset candidate), url()s of inline styles and of stylesheet rules
// that match an element on the page, and the first url() of each @font-face. Never from `rr-block`
// elements, never data:/blob: URLs, only the allow-listed types, within the limits below (the server
// applies the same ones). Same-origin files are fetched with the customer's cookies (they are what the
// page showed); other origins only when their CORS headers allow it, without cookies. Needs a secure
// context (crypto.subtle for the sha256); elsewhere nothing is captured.
//
// SVG files (an <img src=x.svg>, a CSS background) are never sent as SVG (a document that can carry
// script): the recorder draws the fetched file at its intrinsic size on a canvas and sends that PNG for the
// same URL, so the agent sees the picture and the server only ever stores raster images.

import LIMITS from "../asset-limits.json" with { type: "json" };

export const ASSET_TAG = "sr.asset";
// One contract with the server (sessions/assets.py reads the same file): 256 KiB a file, 200 files and
// 8 MiB a session, raster images and fonts only.
export const ASSET_MAX_BYTES = LIMITS.asset_max_bytes;
export const SESSION_MAX_BYTES = LIMITS.session_max_bytes;
export const SESSION_MAX_COUNT = LIMITS.session_max_count;
export const ALLOWED_TYPES = new Set(LIMITS.allowed_types);
export const SVG_TYPE = "image/svg+xml";
// The largest SVG rasterised, per side in CSS pixels (a bigger one is drawn scaled down to fit).
export const SVG_MAX_SIDE = 2048;
const SENT_KEY = "__sr_assets";
const SCAN_DELAY_MS = 800;
const URL_RE = /url\(\s*(['"]?)([^'")]+?)\1\s*\)/g;

/** Absolute http(s) URL of `raw` against `base`, or null (data:, blob:, anything else). */
export function absoluteUrl(raw, base) {
  try {
    const url = new URL(String(raw).trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (e) {
    return null;
  }
}

/** Every url() of a CSS text, absolute. */
export function cssUrls(text, base) {
  const found = [];
  for (const match of String(text || "").matchAll(URL_RE)) {
    const url = absoluteUrl(match[2], base);
    if (url) found.push(url);
  }
  return found;
}

/** "image/PNG; x=y" -> "image/png" */
export function normaliseType(value) {
  return String(value || "").split(";")[0].trim().toLowerCase();
}

// `root`: the document or shadow root the sheet applies to (its selectors are matched there; a `:host`
// rule counts as matching its host).
function walkRules(rules, base, root, isBlocked, out) {
  for (const rule of rules) {
    try {
      if (rule.styleSheet) {
        const sheet = rule.styleSheet;
        walkRules(sheet.cssRules, sheet.href || base, root, isBlocked, out);
      } else if (rule.constructor.name === "CSSFontFaceRule" || rule.type === 5) {
        const first = cssUrls(rule.style.getPropertyValue("src"), base)[0];
        if (first) out.add(first);
      } else if (rule.selectorText !== undefined) {
        const text = rule.style && rule.style.cssText;
        if (!text || !text.includes("url(")) continue;
        const host = rule.selectorText.includes(":host") && root.host;
        const matches = host ? [host] : root.querySelectorAll(rule.selectorText);
        if (![...matches].some((el) => !isBlocked(el))) continue;
        for (const url of cssUrls(text, base)) out.add(url);
      } else if (rule.cssRules) {
        walkRules(rule.cssRules, base, root, isBlocked, out);
      }
    } catch (e) {
      // A selector the engine cannot query, a sheet it will not let us read: skip that rule.
    }
  }
}

/** The document and every open shadow root in it, nested ones too, except under `rr-block` hosts. */
export function styleRoots(doc, isBlocked) {
  const roots = [doc];
  for (let i = 0; i < roots.length; i += 1) {
    for (const el of roots[i].querySelectorAll("*")) {
      if (el.shadowRoot && !isBlocked(el)) roots.push(el.shadowRoot);
    }
  }
  return roots;
}

/**
 * The asset URLs of a document now (a Set of absolute URLs), shadow roots included: their images, inline
 * styles, `<style>` sheets and adopted stylesheets (the document's adopted ones too).
 */
export function collectAssetUrls(doc, isBlocked) {
  const out = new Set();
  for (const root of styleRoots(doc, isBlocked)) {
    for (const img of root.querySelectorAll("img")) {
      if (isBlocked(img) || !img.complete || !img.naturalWidth) continue;
      const url = absoluteUrl(img.currentSrc || img.src, doc.baseURI);
      if (url) out.add(url);
    }
    for (const el of root.querySelectorAll('[style*="url("]')) {
      if (!isBlocked(el)) for (const url of cssUrls(el.getAttribute("style"), doc.baseURI)) out.add(url);
    }
    for (const sheet of [...root.styleSheets, ...(root.adoptedStyleSheets || [])]) {
      if (sheet.ownerNode && isBlocked(sheet.ownerNode)) continue;
      let rules;
      try {
        rules = sheet.cssRules; // throws for a cross-origin sheet without CORS
      } catch (e) {
        continue;
      }
      walkRules(rules, sheet.href || doc.baseURI, root, isBlocked, out);
    }
  }
  return out;
}

function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The PNG size {width, height} for an SVG of intrinsic size w x h (null when it has none). */
export function rasterSize(width, height, maxSide = SVG_MAX_SIDE) {
  if (!(width > 0) || !(height > 0)) return null;
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** An SVG file's bytes drawn as PNG bytes at its intrinsic size, or null (no size, CSP, decode error). */
async function rasterise(win, bytes) {
  const url = win.URL.createObjectURL(new win.Blob([bytes], { type: SVG_TYPE }));
  try {
    const img = new win.Image();
    img.src = url; // a blob: of our own: the canvas stays readable whatever origin the file came from
    await img.decode();
    const size = rasterSize(img.naturalWidth, img.naturalHeight);
    if (!size) return null;
    const canvas = win.document.createElement("canvas");
    canvas.width = size.width;
    canvas.height = size.height;
    canvas.getContext("2d").drawImage(img, 0, 0, size.width, size.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
  } catch (e) {
    return null;
  } finally {
    win.URL.revokeObjectURL(url);
  }
}

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Capture for one page. `send(payload)` raises the `sr.asset` custom event; `storage` is the recorder's
 * safeStorage over sessionStorage (which files this session already sent, and the session's totals). Returns {scan, afterSnapshot, stop}.
 */
export function createAssetCapture(win, { send, isBlocked, storage }) {
  const doc = win.document;
  const subtle = win.crypto && win.crypto.subtle;
  const fetchFn = win.fetch && win.fetch.bind(win); // taken before rrweb's network plugin wraps fetch
  const known = new Map(); // url -> {url, sha256, mime} of this page
  const tried = new Set();
  let queue = Promise.resolve();
  let stopped = false;
  let timer = null;

  const readSent = () => {
    try {
      const state = JSON.parse(storage.get(SENT_KEY) || "null");
      if (state && Array.isArray(state.sent)) return state;
    } catch (e) {}
    return { sent: [], bytes: 0 };
  };
  const writeSent = (state) => storage.set(SENT_KEY, JSON.stringify(state));

  const capture = async (url) => {
    const sameOrigin = new URL(url).origin === win.location.origin;
    const response = await fetchFn(url, {
      credentials: sameOrigin ? "include" : "omit",
      mode: sameOrigin ? "same-origin" : "cors",
      cache: "force-cache",
      redirect: "follow",
    });
    if (!response.ok) return;
    let mime = normaliseType(response.headers.get("content-type"));
    const length = Number(response.headers.get("content-length") || 0);
    if ((!ALLOWED_TYPES.has(mime) && mime !== SVG_TYPE) || length > ASSET_MAX_BYTES) return;
    let bytes = new Uint8Array(await response.arrayBuffer());
    if (!bytes.length || bytes.length > ASSET_MAX_BYTES || stopped) return;
    if (mime === SVG_TYPE) {
      bytes = await rasterise(win, bytes);
      mime = "image/png";
      if (!bytes || !bytes.length || bytes.length > ASSET_MAX_BYTES || stopped) return;
    }
    const sha256 = hex(await subtle.digest("SHA-256", bytes));
    const state = readSent();
    const entry = { url, sha256, mime };
    if (state.sent.includes(sha256)) {
      send(entry);
    } else {
      if (state.sent.length >= SESSION_MAX_COUNT || state.bytes + bytes.length > SESSION_MAX_BYTES) return;
      state.sent.push(sha256);
      state.bytes += bytes.length;
      writeSent(state);
      send({ ...entry, data: toBase64(bytes) });
    }
    known.set(url, entry);
  };

  const scan = () => {
    timer = null;
    if (stopped || !subtle || !fetchFn) return;
    for (const url of collectAssetUrls(doc, isBlocked)) {
      if (tried.has(url) || tried.size >= SESSION_MAX_COUNT * 2) continue;
      tried.add(url);
      queue = queue.then(() => (stopped ? null : capture(url))).catch(() => {});
    }
  };
  const scanSoon = () => {
    if (timer === null && !stopped) timer = win.setTimeout(scan, SCAN_DELAY_MS);
  };
  const observer = new win.MutationObserver(scanSoon);
  observer.observe(doc, { subtree: true, childList: true, attributes: true, attributeFilter: ["src", "srcset", "style", "class"] });
  win.addEventListener("load", scanSoon);

  return {
    scan,
    // After every full snapshot the mappings go again, so each chunk of the replay (and a live viewer who
    // joins now) finds them next to its snapshot; then look for new files.
    afterSnapshot() {
      for (const entry of known.values()) send(entry);
      scanSoon();
    },
    stop() {
      stopped = true;
      observer.disconnect();
      win.removeEventListener("load", scanSoon);
      if (timer !== null) win.clearTimeout(timer);
    },
    forget() {
      storage.remove(SENT_KEY);
    },
  };
}
