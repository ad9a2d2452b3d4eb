// rrweb rewrites every recorded stylesheet for replay (PostCSS: `:hover` rules copied to a class, media
// queries adapted) and keeps the result in a cache that belongs to one Replayer. The replay page builds a
// new Replayer on every seek, so a single-page app's 188 KB stylesheet was rewritten again each time
// (~200 ms of a seek). One cache for the whole page, shared by every Replayer it builds: the same text
// is rewritten once. Bounded by characters (keys + values), least recently used out first. Pure.

export const CSS_CACHE_MAX_CHARS = 16 * 1024 * 1024;

export class BoundedCssCache {
  constructor(maxChars = CSS_CACHE_MAX_CHARS) {
    this.maxChars = maxChars;
    this.chars = 0;
    this.map = new Map(); // insertion order = least recently used first
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

  has(key) {
    return this.map.has(key);
  }

  get size() {
    return this.map.size;
  }
}

/** The object rrweb's Replayer keeps as `cache` ({stylesWithHoverClass}), backed by one shared cache. */
export function replayerCache(shared) {
  return { stylesWithHoverClass: shared };
}
