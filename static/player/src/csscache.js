// rrweb rewrites every recorded stylesheet for replay (PostCSS: `:hover` rules copied to a class, media
// queries adapted) and keeps the result in a cache that belongs to one Replayer. The replay page builds a
// new Replayer on every seek, so a single-page app's 188 KB stylesheet was rewritten again each time
// (~200 ms of a seek). One cache for the whole page, shared by every Replayer it builds: the same text
// is rewritten once. Bounded by characters (keys + values), least recently used out first. Pure.
//
// Deferred rewrites: while `deferring`, a text not rewritten yet is answered as it is (rrweb then puts the
// recorded stylesheet in unchanged) and remembered; `rewritePending` rewrites those afterwards. The page
// paints its first frame without waiting ~200 ms for PostCSS; the rewrite only matters once the replay
// shows a hovered element or a device-width media query, and it follows within a frame or two.

export const CSS_CACHE_MAX_CHARS = 16 * 1024 * 1024;

export class BoundedCssCache {
  constructor(maxChars = CSS_CACHE_MAX_CHARS) {
    this.maxChars = maxChars;
    this.chars = 0;
    this.map = new Map(); // insertion order = least recently used first
    this.deferring = false;
    this.pending = new Set();
  }

  get(key) {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key, value) {
    const size = key.length + value.length;
    if (this.map.has(key)) {
      this.chars -= key.length + this.map.get(key).length;
      this.map.delete(key);
    }
    if (size > this.maxChars) return this; // too large to keep: rewritten again next time
    this.map.set(key, value);
    this.chars += size;
    for (const [oldest, old] of this.map) {
      if (this.chars <= this.maxChars) break;
      this.map.delete(oldest);
      this.chars -= oldest.length + old.length;
    }
    return this;
  }

  /** What rrweb gets for `key`: the rewrite, or while deferring the text itself (remembered), or undefined. */
  lookup(key) {
    const value = this.get(key);
    if (value !== undefined || !this.deferring) return value;
    this.pending.add(key);
    return key;
  }

  /** Rewrite every text answered unchanged while deferring; returns Map(original -> rewritten). Stops deferring. */
  rewritePending(rewrite) {
    const done = new Map();
    this.deferring = false;
    for (const text of this.pending) {
      const value = rewrite(text);
      this.set(text, value);
      if (value !== text) done.set(text, value);
    }
    this.pending.clear();
    return done;
  }

  has(key) {
    return this.map.has(key);
  }

  get size() {
    return this.map.size;
  }
}

/** The object rrweb's Replayer keeps as `cache` ({stylesWithHoverClass}), backed by one shared cache. */
export function replayerCache(shared) {
  return { stylesWithHoverClass: { get: (key) => shared.lookup(key), set: (key, value) => shared.set(key, value) } };
}

/**
 * The text nodes to update after deferred rewrites: [node, rewritten] for every style element whose only
 * child is a text node holding an original text. (A style split over several text nodes keeps its text
 * until the next rebuild, which takes the rewrite from the cache.) `styles` is a list of elements.
 */
export function pendingStyleUpdates(styles, rewrites) {
  const updates = [];
  if (!rewrites.size) return updates;
  for (const style of styles) {
    const nodes = style.childNodes;
    if (nodes.length !== 1 || nodes[0].nodeType !== 3) continue;
    const rewritten = rewrites.get(nodes[0].data);
    if (rewritten !== undefined) updates.push([nodes[0], rewritten]);
  }
  return updates;
}
