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

