// Canvas frames in the replay without letting scripts run in it. The recorder samples each canvas a few
// times a second (rrweb `recordCanvas` + `sampling.canvas`) as "clear, then draw this image" commands.
// rrweb replays canvas commands only with UNSAFE_replayCanvas, which adds `allow-scripts` to the replay
// sandbox; we keep the sandbox closed and draw those frames ourselves from the player (same origin as
// the replay document). Snapshots carry each canvas's picture too (`rr_dataURL`).

const CANVAS_MUTATION = 9;
const MUTATION = 0;
const FULL_SNAPSHOT = 2;

/** Canvas pictures (`rr_dataURL`) in a serialized node tree, into `into` (id -> data URL). */
export function snapshotPictures(node, into) {
  if (!node || typeof node !== "object") return into;
  const url = node.attributes && node.attributes.rr_dataURL;
  if (node.type === 2 && String(node.tagName).toLowerCase() === "canvas" && typeof url === "string" && url.startsWith("data:image/")) {
    into.set(node.id, url);
  }
  for (const child of node.childNodes || []) snapshotPictures(child, into);
  return into;
}

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
  // canvas id -> data URL of the newest picture replayed (snapshot or frame). Events replay in order from
  // a full snapshot, also when seeking, so the newest one seen is the one at the playhead.
  const shown = new Map();
  let replayerRef = null;

  const apply = (id) => {
    const canvas = replayerRef && replayerRef.getMirror().getNode(id);
    // While rrweb seeks through its virtual DOM the real node may not exist yet: `flush` applies it.
    if (canvas && canvas.tagName === "CANVAS" && canvas.isConnected) show(canvas, shown.get(id));
  };
  const applyAll = () => {
    for (const id of shown.keys()) apply(id);
  };

  return {
    attach(replayer) {
      replayerRef = replayer;
      // rrweb diffs attributes (our style included) after a seek, and may build nodes late.
      replayer.on("flush", () => queueMicrotask(applyAll));
      replayer.on("fullsnapshot-rebuilded", () => queueMicrotask(applyAll));
    },
    onBuild(node, { id }) {
      if (node && node.tagName === "CANVAS" && shown.has(id)) queueMicrotask(() => apply(id));
    },
    handler(event) {
      // Pictures follow event order: a snapshot's (or an added canvas's) picture, then sampled frames.
      if (event.type === FULL_SNAPSHOT && event.data) {
        snapshotPictures(event.data.node, shown);
        queueMicrotask(applyAll);
        return;
      }
      if (event.type === 3 && event.data && event.data.source === MUTATION) {
        for (const add of event.data.adds || []) snapshotPictures(add.node, shown);
        return;
      }
      if (event.type !== 3 || !event.data || event.data.source !== CANVAS_MUTATION) return;
      const frame = frameImage(event.data);
      if (!frame || !/^image\/[a-z+.-]+$/.test(frame.type) || !/^[A-Za-z0-9+/=]*$/.test(frame.base64)) return;
      shown.set(event.data.id, frameUrl(frame));
      apply(event.data.id);
    },
  };
}
