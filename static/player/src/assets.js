// Captured images and fonts (docs/PROTOCOL.md "Assets"): the recorded URLs become SupportReplay's own
// /sessions/<id>/assets/<sha256> before rrweb paints, so the agent's browser never asks the recorded site
// (the page's CSP blocks it anyway; what is not captured stays blocked and counted by blocked.js).
//
// The mapping comes from the `sr.asset` custom events of the recording. Pure except patchDocument.

export const ASSET_TAG = "sr.asset";
const URL_RE = /url\(\s*(['"]?)([^'")]+?)\1\s*\)/g;
// rrweb IncrementalSource: Mutation 0, StyleSheetRule 8, StyleDeclaration 13, AdoptedStyleSheet 15.
const MUTATION = 0;
const STYLE_RULE = 8;
const STYLE_DECLARATION = 13;
const ADOPTED = 15;

/** "/sessions/<uuid>/assets/" of the page we are on, or null (e.g. a standalone export). */
export function assetBase(pathname) {
  const match = /^\/sessions\/([0-9a-f-]{36})\//.exec(pathname || "");
  return match ? `/sessions/${match[1]}/assets/` : null;
}

function normalise(url, base) {
  try {
    return new URL(url, base || undefined).href;
  } catch (e) {
    return null;
  }
}

/** URL -> asset URL lookups for one session. */
export class AssetMap {
  constructor(base) {
    this.base = base;
    this.byUrl = new Map();
    // The recorded page's URL (from the newest Meta event rewritten): rrweb keeps the URLs of adopted and
    // CSSOM-inserted rules as the page wrote them, relative ones included; they resolve against it.
    this.page = null;
  }

  /** Learn the mapping an event carries; true when it is new. */
  learn(event) {
    const data = event && event.type === 5 && event.data;
    const payload = data && data.tag === ASSET_TAG && data.payload;
    if (!payload || payload.rejected || typeof payload.url !== "string") return false;
    if (typeof payload.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(payload.sha256)) return false;
    const url = normalise(payload.url);
    if (!url || this.byUrl.get(url) === payload.sha256) return false;
    this.byUrl.set(url, payload.sha256);
    return true;
  }

  get size() {
    return this.byUrl.size;
  }

  /** The asset URL for a recorded URL, or null. */
  lookup(url) {
    if (!this.base || !this.byUrl.size) return null;
    const key = normalise(String(url).trim(), this.page);
    const sha = key && this.byUrl.get(key);
    return sha ? this.base + sha : null;
  }

  css(text) {
    if (typeof text !== "string" || !this.byUrl.size || !text.includes("url(")) return text;
    return text.replace(URL_RE, (whole, _quote, url) => {
      const mapped = this.lookup(url);
      return mapped ? `url("${mapped}")` : whole;
    });
  }

  srcset(value) {
    if (typeof value !== "string" || !this.byUrl.size) return value;
    return value
      .split(",")
      .map((candidate) => {
        const parts = candidate.trim().split(/\s+/);
        const mapped = parts[0] && this.lookup(parts[0]);
        return mapped ? [mapped, ...parts.slice(1)].join(" ") : candidate.trim();
      })
      .join(", ");
  }

  attributes(attrs) {
    if (!attrs || typeof attrs !== "object") return;
    for (const name of ["src", "href", "poster"]) {
      if (typeof attrs[name] === "string") {
        const mapped = this.lookup(attrs[name]);
        if (mapped && (name !== "href" || attrs.rel === "icon")) attrs[name] = mapped;
      }
    }
    if (typeof attrs.srcset === "string") attrs.srcset = this.srcset(attrs.srcset);
    if (typeof attrs.style === "string") attrs.style = this.css(attrs.style);
    else if (attrs.style && typeof attrs.style === "object") {
      for (const [prop, value] of Object.entries(attrs.style)) {
        if (typeof value === "string") attrs.style[prop] = this.css(value);
        else if (Array.isArray(value) && typeof value[0] === "string") value[0] = this.css(value[0]);
      }
    }
    if (typeof attrs._cssText === "string") attrs._cssText = this.css(attrs._cssText);
  }

  tree(node) {
    const stack = [node];
    while (stack.length) {
      const current = stack.pop();
      if (!current || typeof current !== "object") continue;
      if (current.attributes) this.attributes(current.attributes);
      if (current.isStyle && typeof current.textContent === "string") current.textContent = this.css(current.textContent);
      if (Array.isArray(current.childNodes)) stack.push(...current.childNodes);
    }
  }

  /** Rewrite the recorded URLs of an event in place (returns it). */
  rewrite(event) {
    const data = event && event.data;
    if (event && event.type === 4 && data && typeof data.href === "string") this.page = data.href;
    if (!this.byUrl.size || !data || typeof data !== "object") return event;
    if (event.type === 2) this.tree(data.node);
    else if (event.type === 3) {
      if (data.source === MUTATION) {
        for (const add of data.adds || []) if (add) this.tree(add.node);
        for (const change of data.attributes || []) if (change) this.attributes(change.attributes);
        for (const text of data.texts || []) if (text && typeof text.value === "string") text.value = this.css(text.value);
      } else if (data.source === STYLE_RULE) {
        for (const add of data.adds || []) if (add && typeof add.rule === "string") add.rule = this.css(add.rule);
      } else if (data.source === STYLE_DECLARATION && data.set && typeof data.set.value === "string") {
        data.set.value = this.css(data.set.value);
      } else if (data.source === ADOPTED) {
        for (const style of data.styles || []) {
          for (const rule of (style && style.rules) || []) if (typeof rule.rule === "string") rule.rule = this.css(rule.rule);
        }
      }
    }
    return event;
  }
}

/** Apply the mapping to an already painted document (a mapping that arrived after its snapshot). */
export function patchDocument(doc, map) {
  if (!doc || !map.size) return;
  for (const el of doc.querySelectorAll("img[src], img[srcset], source[srcset], [style]")) {
    const src = el.getAttribute("src");
    const mapped = src && map.lookup(src);
    if (mapped) el.setAttribute("src", mapped);
    const srcset = el.getAttribute("srcset");
    if (srcset) {
      const next = map.srcset(srcset);
      if (next !== srcset) el.setAttribute("srcset", next);
    }
    const style = el.getAttribute("style");
    if (style && style.includes("url(")) {
      const next = map.css(style);
      if (next !== style) el.setAttribute("style", next);
    }
  }
  for (const style of doc.querySelectorAll("style")) {
    const text = style.textContent;
    const next = map.css(text);
    if (next !== text) style.textContent = next;
  }
  // Recorded frames (same-origin ones, and cross-origin pages that joined the recording) are documents
  // of their own inside the replay.
  for (const frame of doc.querySelectorAll("iframe")) {
    let inner = null;
    try {
      inner = frame.contentDocument;
    } catch (e) {
      inner = null;
    }
    if (inner && inner !== doc) patchDocument(inner, map);
  }
}
