// Which chunks of a recording the replay page holds, and in what order it fetches them. Pure.
//
// A long session has dozens of chunks (each starts at a full snapshot and spans 1-5 minutes). The page
// keeps the chunk at the playhead and its neighbours, drops the rest, and builds rrweb's Replayer from
// the playhead's chunk forward, so memory stays flat with the session's length and a seek fetches at
// most one chunk before it paints.

export const WINDOW_RADIUS = 1;

/** The chunk indices kept around `index`: [index - radius, index + radius] within [0, count). */
export function windowAround(index, count, radius = WINDOW_RADIUS) {
  const out = [];
  for (let i = Math.max(0, index - radius); i <= Math.min(count - 1, index + radius); i += 1) out.push(i);
  return out;
}

/** Loaded chunk indices outside the window around `index`: the page drops them. */
export function toDrop(loaded, index, count, radius = WINDOW_RADIUS) {
  const keep = new Set(windowAround(index, count, radius));
  return [...loaded].filter((i) => !keep.has(i)).sort((a, b) => a - b);
}

/**
 * Chunks to fetch, in order: the playhead's first (the frame waits for it), then the next one
 * (playback runs into it), then the previous ones; already loaded or pending ones are skipped.
 */
export function fetchOrder(index, count, have = new Set(), radius = WINDOW_RADIUS) {
  const order = [index];
  for (let d = 1; d <= radius; d += 1) order.push(index + d, index - d);
  return order.filter((i) => i >= 0 && i < count && !have.has(i));
}

/**
 * The replayer's span when the playhead is in chunk `index`: from `index` (a chunk starts with its own
 * snapshot, so nothing before it is needed) forward over loaded chunks inside the window.
 */
export function playerSpan(index, loaded, count, radius = WINDOW_RADIUS) {
  if (!loaded.has(index)) return null;
  let last = index;
  while (last + 1 < count && last + 1 <= index + radius && loaded.has(last + 1)) last += 1;
  return [index, last];
}

/**
 * What the page should do when the playhead is in chunk `index` while the replayer spans
 * [first, last]: "keep" (inside), "extend" (the next chunk is loaded and may be appended while playing),
 * or "rebuild" (the playhead left the span, or moved past its first chunk, whose events are no longer
 * needed).
 */
export function nextStep(index, span, loaded, count, radius = WINDOW_RADIUS) {
  if (!span) return "rebuild";
  const [first, last] = span;
  if (index < first || index > last || index > first) return "rebuild";
  if (last < index + radius && last + 1 < count && loaded.has(last + 1)) return "extend";
  return "keep";
}
