// The framed page's side of cross-origin iframes (see framehost.js for the handshake). The loader joined
// a parent whose origin its own configuration names (`data-sr-parents`); this records the frame with the
// same rrweb options and privacy pass as a recorded page and posts each event to that parent only. No
// socket, no banner, no consent of its own: the parent's recording carries the frame, and the parent's
// banner is the customer's control. Stops when the parent says so or this page goes away.
import { record } from "rrweb";
import { ASSET_TAG, createAssetCapture } from "./assets.js";
import { maskRecordedEvent, recordOptions, workersAllowed } from "./capture.js";
import { FRAME_MESSAGE } from "./framehost.js";
import { watchPopovers } from "./popovers.js";

/** What this frame posts for one event: rrweb's cross-origin message, after the privacy pass. */
export function frameMessage(event, isCheckout, options, ownOrigin) {
  const masked = maskRecordedEvent(event, options);
  return { type: "rrweb", event: masked, origin: ownOrigin, isCheckout: Boolean(isCheckout) };
}

// Which files this frame sent: in memory, since each recording needs them once (a tab's sessionStorage
// would outlive the parent's session).
function memoryStorage() {
  const values = new Map();
  return {
    get: (key) => (values.has(key) ? values.get(key) : null),
    set: (key, value) => values.set(key, value) && true,
    remove: (key) => values.delete(key),
  };
}

export function startFrameChild(win, { origin, options: given }) {
  const options = given && typeof given === "object" ? given : {};
  const parent = win.parent;
  const rrwebOptions = { ...recordOptions(options), checkoutEveryNms: undefined };
  // The worker rrweb samples canvases in needs blob: workers; a CSP that forbids them leaves canvases out.
  if (rrwebOptions.recordCanvas && !workersAllowed(win)) rrwebOptions.recordCanvas = false;
  let stopped = false;
  // The frame's images and fonts, like the app's (the parent takes only those of this frame's origin).
  let assets = null;
  if (options.assets && !options.mask_all_text) {
    const blocked = `.${rrwebOptions.blockClass}, ${rrwebOptions.blockSelector}`;
    assets = createAssetCapture(win, {
      send: (payload) => {
        try {
          record.addCustomEvent(ASSET_TAG, payload);
        } catch (e) {
          // Before the first snapshot: the scan after it sends the file again.
        }
      },
      isBlocked: (el) => Boolean(el.closest && el.closest(blocked)),
      storage: memoryStorage(),
    });
  }
  const stopRecording = record({
    ...rrwebOptions,
    emit: (event, isCheckout) => {
      if (stopped) return;
      try {
        parent.postMessage(frameMessage(event, isCheckout, options, win.location.origin), origin);
      } catch (e) {
        // Not cloneable or the parent is gone: the frame's next snapshot repairs the picture.
      }
      if (event.type === 2 && assets) win.setTimeout(() => assets && !stopped && assets.afterSnapshot(), 0);
    },
  });
  const stopPopovers = watchPopovers(win.document, () => false);
  const stop = () => {
    if (stopped) return;
    stopped = true;
    win.removeEventListener("message", onMessage);
    stopPopovers();
    if (assets) assets.stop();
    if (stopRecording) stopRecording();
  };
  const onMessage = (ev) => {
    const data = ev.data;
    if (ev.source !== parent || ev.origin !== origin || !data || data.sr !== FRAME_MESSAGE) return;
    if (data.step === "snapshot") record.takeFullSnapshot(true);
    if (data.step === "stop") stop();
  };
  win.addEventListener("message", onMessage);
  win.addEventListener("pagehide", stop);
  return stop;
}
