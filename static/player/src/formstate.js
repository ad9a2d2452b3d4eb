// Form controls in the replay: the customer's state, or visibly masked; never a plausible default.
//
// The recorder masks every input value (maskAllInputs) as a run of `*`. rrweb replays that value as is,
// which is fine for text boxes ("****") but wrong for every other control: a <select> whose value is
// "****" shows the first option (full snapshot: rrweb drops the `selected` attributes of masked selects)
// or nothing (input event: no option matches), a range slider snaps to its midpoint, number and date
// boxes look empty, a colour well turns black. Those are states the customer never had.
//
// (A masked range keeps the native control's 16 px content height, so nothing below it moves.)
// So the player marks such controls: a masked <select> gets one extra option "****** (masked)" and shows
// it; number/date/time/range/colour inputs get `data-sr-masked` and a hatched look with their value
// hidden. Checkbox and radio states are never masked by rrweb (they are recorded as they are; the
// recorder build fixes rrweb's snapshot of an unticked box that was ticked by default, see build.mjs).
//
// Hook points (rrweb 2.x): `applyInput` (input events, live and while seeking through the virtual DOM),
// the plugin `onBuild` (snapshot and added nodes, whose `value` attribute carries the masked value), and
// the `flush`/`fullsnapshot-rebuilded` events after which the DOM may have been diffed under us.

export const MASKED_OPTION_LABEL = "****** (masked)";
export const MASK_ATTR = "data-sr-masked";

// Input types whose value a browser sanitises away when it is not valid for the type ("**" in a number
// box is ""; in a range it is the midpoint; in a colour well #000000).
const SANITISED_TYPES = new Set([
  "color",
  "date",
  "datetime-local",
  "month",
  "number",
  "range",
  "time",
  "week",
]);

// The customer's banner host is recorded as an empty rr-block placeholder of its size: never show it.
const CSS = `
sr-banner { display: none !important; }
[${MASK_ATTR}] { background: repeating-linear-gradient(135deg, #d1d5db 0 5px, #f3f4f6 5px 10px) !important;
  color: transparent !important; outline: 1px dashed #6b7280 !important; outline-offset: -1px; }
input[type=range][${MASK_ATTR}] { -webkit-appearance: none; appearance: none; height: 16px; box-sizing: content-box; }
input[type=range][${MASK_ATTR}]::-webkit-slider-thumb { -webkit-appearance: none; appearance: none; opacity: 0; }
input[type=color][${MASK_ATTR}]::-webkit-color-swatch { opacity: 0; }
input[${MASK_ATTR}]::-webkit-datetime-edit { opacity: 0; }
input[${MASK_ATTR}]::-webkit-inner-spin-button { opacity: 0; }
`;

/** A value as the recorder's maskInput writes it: one or more `*` and nothing else. */
export function isMaskedValue(value) {
  return typeof value === "string" && value.length > 0 && /^\*+$/.test(value);
}

/** What a control needs in the replay: "option" (masked select), "hatch" (masked typed input) or null. */
export function maskTreatment(tagName, type, masked) {
  if (!masked) return null;
  const tag = String(tagName || "").toUpperCase();
  if (tag === "SELECT") return "option";
  if (tag === "INPUT" && SANITISED_TYPES.has(String(type || "").toLowerCase())) return "hatch";
  return null;
}

function ensureStyle(root) {
  const holder = root && (root.head || root);
  if (!holder || typeof holder.querySelector !== "function") return;
  if (holder.querySelector(":scope > style[data-sr-formstate]")) return;
  const style = (root.ownerDocument || root).createElement("style");
  style.setAttribute("data-sr-formstate", "");
  style.textContent = CSS;
  holder.appendChild(style);
}

/** Show one control as masked (or restore it): idempotent, safe to call again after rrweb diffed it. */
export function presentControl(el, masked) {
  const treatment = maskTreatment(el.tagName, el.getAttribute("type") || el.type, masked);
  if (el.tagName === "SELECT") {
    let option = el.querySelector(`option[${MASK_ATTR}]`);
    if (treatment === "option") {
      if (!option) {
        option = el.ownerDocument.createElement("option");
        option.setAttribute(MASK_ATTR, "");
        option.textContent = MASKED_OPTION_LABEL;
        el.insertBefore(option, el.firstChild);
      }
      option.selected = true;
    } else if (option) {
      option.remove();
    }
    return;
  }
  if (treatment === "hatch") {
    if (!el.hasAttribute(MASK_ATTR)) el.setAttribute(MASK_ATTR, "");
    const root = el.getRootNode();
    ensureStyle(root && root.nodeType === 11 ? root : el.ownerDocument);
  } else if (el.hasAttribute(MASK_ATTR)) {
    el.removeAttribute(MASK_ATTR);
  }
}

/** Wire the masked-control rendering into one rrweb Replayer; returns the plugin to pass to it. */
export function formStatePlugin() {
  // Element -> masked?; a WeakMap so rebuilt documents let their old nodes go.
  const masked = new WeakMap();
  const pending = new Set();
  let scheduled = false;

  const flushPending = () => {
    scheduled = false;
    for (const el of pending) if (el.isConnected) presentControl(el, masked.get(el));
    pending.clear();
  };
  const schedule = (el) => {
    pending.add(el);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flushPending);
    }
  };
  const isControl = (node) => node && (node.tagName === "SELECT" || node.tagName === "INPUT");

  const refreshAll = (replayer) => {
    const doc = replayer.iframe && replayer.iframe.contentDocument;
    if (!doc) return;
    ensureStyle(doc);
    for (const el of doc.querySelectorAll("select, input")) {
      if (masked.has(el)) presentControl(el, masked.get(el));
    }
  };

  let attached = null;
  const attach = (replayer) => {
    if (attached === replayer) return;
    attached = replayer;
    const original = replayer.applyInput.bind(replayer);
    // rrweb calls `this.applyInput` both for live input events and from the virtual DOM diff after a seek.
    replayer.applyInput = (data) => {
      original(data);
      const el = replayer.getMirror().getNode(data.id);
      if (!isControl(el)) return;
      masked.set(el, isMaskedValue(data.text));
      schedule(el);
    };
    replayer.on("fullsnapshot-rebuilded", () => refreshAll(replayer));
    replayer.on("flush", () => queueMicrotask(() => refreshAll(replayer)));
  };

  return {
    attach,
    onBuild(node, { replayer }) {
      attach(replayer);
      if (!isControl(node)) return;
      masked.set(node, isMaskedValue(node.getAttribute("value")));
      schedule(node);
    },
  };
}
