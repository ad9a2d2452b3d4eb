// Canvas frames in the replay without letting scripts run in it. The recorder samples each canvas a few
// times a second (rrweb `recordCanvas` + `sampling.canvas`) as "clear, then draw this image" commands.
// rrweb replays canvas commands only with UNSAFE_replayCanvas, which adds `allow-scripts` to the replay
// sandbox; we keep the sandbox closed and draw those frames ourselves from the player (same origin as
// the replay document). Snapshots carry each canvas's picture too (`rr_dataURL`).

const CANVAS_MUTATION = 9;

/** The image of a sampled canvas frame ({base64, type}), or null for any other canvas mutation. */
export function frameImage(data) {
  const commands = data && Array.isArray(data.commands) ? data.commands : null;
  if (!commands) return null;
  const draw = commands.find((c) => c && c.property === "drawImage");
  const bitmap = draw && Array.isArray(draw.args) ? draw.args[0] : null;
  const blob = bitmap && bitmap.rr_type === "ImageBitmap" && Array.isArray(bitmap.args) ? bitmap.args[0] : null;
  const buffer = blob && blob.rr_type === "Blob" && Array.isArray(blob.data) ? blob.data[0] : null;
  if (!buffer || buffer.rr_type !== "ArrayBuffer" || typeof buffer.base64 !== "string") return null;
  return { base64: buffer.base64, type: typeof blob.type === "string" ? blob.type : "image/webp" };
}

/** The frame as a data: URL (no decoding needed: it arrives as base64). */
export function frameUrl(frame) {
  return `data:${frame.type};base64,${frame.base64}`;
}

// A sandbox without scripts renders a <canvas> as its fallback content (an empty inline box), whatever is
// drawn on it. So the picture is shown as the canvas's background instead, sized like the canvas.
function show(canvas, url) {
  const style = canvas.style;
  if (!style.width && canvas.width) style.setProperty("width", `${canvas.width}px`);
  if (!style.height && canvas.height) style.setProperty("height", `${canvas.height}px`);
  const view = canvas.ownerDocument.defaultView;
  if (view && view.getComputedStyle(canvas).display === "inline") style.setProperty("display", "inline-block");
  style.setProperty("background", `url("${url}") center / 100% 100% no-repeat`);
}

export function canvasFramesPlugin() {
  const pending = new Map(); // canvas id -> newest frame seen while seeking
  const shown = new Map(); // canvas id -> data URL on screen (re-applied after rrweb diffs the DOM)
  let replayerRef = null;

  const draw = (id, url) => {
    shown.set(id, url);
    const canvas = replayerRef && replayerRef.getMirror().getNode(id);
    if (canvas && canvas.tagName === "CANVAS") show(canvas, url);
  };

  return {
    attach(replayer) {
      replayerRef = replayer;
      replayer.on("fullsnapshot-rebuilded", () => pending.clear());
      replayer.on("flush", () => {
        for (const [id, url] of pending) shown.set(id, url);
        pending.clear();
        for (const [id, url] of shown) draw(id, url);
      });
    },
    onBuild(node, { id, replayer }) {
      if (!node || node.tagName !== "CANVAS") return;
      const meta = replayer.getMirror().getMeta(node);
      const url = meta && meta.attributes && meta.attributes.rr_dataURL;
      if (typeof url === "string" && url.startsWith("data:image/")) shown.set(id, url);
      if (shown.has(id)) queueMicrotask(() => node.isConnected && show(node, shown.get(id)));
    },
    handler(event, isSync) {
      if (event.type !== 3 || !event.data || event.data.source !== CANVAS_MUTATION) return;
      const frame = frameImage(event.data);
      if (!frame || !/^image\/[a-z+.-]+$/.test(frame.type) || !/^[A-Za-z0-9+/=]*$/.test(frame.base64)) return;
      if (isSync) pending.set(event.data.id, frameUrl(frame));
      else draw(event.data.id, frameUrl(frame));
    },
  };
}
