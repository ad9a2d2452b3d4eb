// Embedded pages that were not recorded. rrweb records a cross-origin iframe as an empty frame (its
// `src` kept aside as `rr_src`, never loaded by the replay); the agent would see a white box that looks
// like a blank page. The player writes a label into that frame instead, naming the embedded origin. A
// frame whose page joined the recording (its loader names the recorded site: static/recorder/src/
// framehost.js) gets its recorded document from rrweb instead, and is never labelled.

/** The label of an unrecorded embedded page. */
export function embedLabel(src) {
  let origin = "";
  try {
    origin = new URL(src).origin;
  } catch {
    origin = "";
  }
  const from = origin && origin !== "null" ? ` from ${origin}` : "";
  return `Embedded page${from} — not recorded (another site; it is recorded only when that page also loads SupportReplay, set up to join this site).`;
}

const STYLE =
  "margin:0;height:100%;display:flex;align-items:center;justify-content:center;text-align:center;" +
  "font:13px/1.4 system-ui,sans-serif;color:#4b5563;padding:8px;box-sizing:border-box;" +
  "background:repeating-linear-gradient(135deg,#f3f4f6 0 8px,#e5e7eb 8px 16px);border:1px dashed #9ca3af";

function label(frame, src, mirror) {
  const doc = frame.contentDocument;
  if (!doc || !doc.documentElement || mirror.getId(doc) > 0) return; // no frame, or its page was recorded
  const body = doc.body || doc.documentElement.appendChild(doc.createElement("body"));
  if (body.hasAttribute("data-sr-embed") || body.childNodes.length) return; // labelled, or recorded content
  body.setAttribute("data-sr-embed", "");
  body.setAttribute("style", STYLE);
  doc.documentElement.setAttribute("style", "height:100%");
  body.textContent = embedLabel(src);
}

export function embedsPlugin() {
  return {
    onBuild(node, { replayer }) {
      if (!node || node.tagName !== "IFRAME") return;
      const meta = replayer.getMirror().getMeta(node);
      const src = meta && meta.attributes && meta.attributes.rr_src;
      if (typeof src !== "string" || !src) return;
      // After rrweb finished building (it may still attach a recorded document to the frame).
      const mirror = replayer.getMirror();
      setTimeout(() => label(node, src, mirror), 0);
      node.addEventListener("load", () => label(node, src, mirror));
    },
  };
}
