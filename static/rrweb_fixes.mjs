// Fixes to rrweb's own code, applied by build.mjs when esbuild loads rrweb's dist. Each must match
// exactly once: when an rrweb upgrade changes the code, the build stops with an error instead of shipping
// a recorder that quietly lost the fix.
export const RRWEB_FIXES = [
  {
    // rrweb-snapshot records `checked` only when a box is ticked and otherwise keeps the page's markup
    // attribute: a box ticked by default in the HTML that the customer unticked replays as ticked after
    // every full snapshot. Record the live state of checkboxes and radios, both ways.
    why: "checkbox/radio checked state in snapshots",
    find: "else if (checked) attributes.checked = checked;",
    replace:
      'else if (n.type === "checkbox" || n.type === "radio") { if (checked) attributes.checked = true; else delete attributes.checked; } else if (checked) attributes.checked = checked;',
  },
  {
    // The Replayer applies the first Meta's viewport size in a setTimeout(0) from its constructor, so a
    // seek done right after construction (to a moment after a resize) is overridden a moment later by the
    // *first* size, and the first frame paints at the wrong size. Apply it at once: the seek's own
    // synchronous Meta/resize events then set the size at the playhead, and nothing overrides it.
    why: "first Meta size applied before the first seek",
    find: "\t\t\tsetTimeout(() => {\n\t\t\t\tthis.emitter.emit(ReplayerEvents.Resize, {\n\t\t\t\t\twidth,\n\t\t\t\t\theight\n\t\t\t\t});\n\t\t\t}, 0);",
    replace: "\t\t\tthis.emitter.emit(ReplayerEvents.Resize, { width, height });",
  },
  {
    // recordCrossOriginIframes: true makes every recorder inside any frame post its events to whatever page
    // frames it (postMessage "*"), even a consented app that a third party happens to frame. Only the literal
    // `true` does that now; a function turns on the parent side alone (see the next fix).
    why: "cross-origin iframes: no blind child mode",
    find: "const inEmittingFrame = recordCrossOriginIframes ? window.parent === window : true;",
    replace: "const inEmittingFrame = recordCrossOriginIframes === true ? window.parent === window : true;",
  },
  {
    // The parent merges any "rrweb" message from any frame it knows. A function given as
    // recordCrossOriginIframes decides per message (static/recorder/src/framehost.js: only frames that did
    // the handshake, from the origin that did it, and only events confined to their own frame).
    why: "cross-origin iframes: the parent accepts per message",
    find: "\t\tif (!iframeEl) return;",
    replace:
      '\t\tif (!iframeEl || (typeof this.recordCrossOriginIframes === "function" && !this.recordCrossOriginIframes(iframeEl, message))) return;',
  },
  {
    // The replay page paints its first frame with recorded stylesheets as they are and rewrites them for
    // replay (hover classes, media queries: PostCSS, ~200 ms for a 188 KB stylesheet) right after
    // (static/player/src/csscache.js): it needs rrweb's own rewrite, which rrweb does not export.
    why: "export adaptCssForReplay for the deferred stylesheet rewrite",
    find: "_mirror as mirror, record,",
    replace: "_mirror as mirror, record, adaptCssForReplay,",
  },
];

export function applyRrwebFixes(source, fixes = RRWEB_FIXES) {
  let out = source;
  for (const fix of fixes) {
    const count = out.split(fix.find).length - 1;
    if (count !== 1) {
      throw new Error(
        `rrweb fix "${fix.why}" matched ${count} times instead of once: rrweb changed; update static/build.mjs`,
      );
    }
    out = out.replace(fix.find, () => fix.replace);
  }
  return out;
}

// Size trims of rrweb's flat ESM build (see build.mjs): patterns, each with the number of places it must
// match (`count`) or at least (`min`). A trim that stops matching would silently put PostCSS back into the
// recorder (about +37 KB gzipped), so it stops the build like a fix does.
export const RRWEB_TRIMS = [
  {
    why: "no-op PostCSS default reads dropped",
    pattern: /^import_postcss(\$1)?\.default(\.\w+)?;$/gm,
    replace: "",
    min: 1,
  },
  {
    why: "PostCSS CJS wrapper calls marked pure",
    pattern: /^var (import_postcss\S*) = \/\* @__PURE__ \*\/ (__toESM\S*)\(\(/gm,
    replace: "var $1 = /* @__PURE__ */ $2(/* @__PURE__ */ (",
    count: 2,
  },
  {
    why: "postcss_default read lazily",
    pattern: /^var (postcss_default\S*) = (import_postcss\S*)\.default;$/gm,
    replace: "var $1 = (...a) => $2.default(...a);",
    count: 1,
  },
];

export function applyRrwebTrims(source, trims = RRWEB_TRIMS) {
  let out = source;
  for (const trim of trims) {
    const count = (out.match(trim.pattern) || []).length;
    const ok = trim.count === undefined ? count >= (trim.min ?? 1) : count === trim.count;
    if (!ok) {
      const wanted = trim.count === undefined ? `at least ${trim.min ?? 1}` : String(trim.count);
      throw new Error(
        `rrweb trim "${trim.why}" matched ${count} times instead of ${wanted}: rrweb changed; update static/rrweb_fixes.mjs`,
      );
    }
    out = out.replace(trim.pattern, trim.replace);
  }
  return out;
}
