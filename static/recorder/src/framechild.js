// The framed page's side of cross-origin iframes (see framehost.js for the handshake). The loader joined
// a parent whose origin its own configuration names (`data-sr-parents`); this records the frame with the
// same rrweb options and privacy pass as a recorded page and posts each event to that parent only. No
// socket, no banner, no consent of its own: the parent's recording carries the frame, and the parent's
// banner is the customer's control. Stops when the parent says so or this page goes away.
import { record } from "rrweb";
import { maskEvent, recordOptions, workersAllowed } from "./capture.js";
import { FRAME_MESSAGE } from "./framehost.js";
import { watchPopovers } from "./popovers.js";

/** What this frame posts for one event: rrweb's cross-origin message, after the privacy pass. */
export function frameMessage(event, isCheckout, options, ownOrigin) {
  return { type: "rrweb", event: maskEvent(event, options), origin: ownOrigin, isCheckout: Boolean(isCheckout) };
}

export function startFrameChild(win, { origin, options: given }) {
  const options = given && typeof given === "object" ? given : {};
  const parent = win.parent;
  const rrwebOptions = { ...recordOptions(options), checkoutEveryNms: undefined };
  // The worker rrweb samples canvases in needs blob: workers; a CSP that forbids them leaves canvases out.
  if (rrwebOptions.recordCanvas && !workersAllowed(win)) rrwebOptions.recordCanvas = false;
  let stopped = false;
  const stopRecording = record({
    ...rrwebOptions,
    emit: (event, isCheckout) => {
      if (stopped) return;
      try {
        parent.postMessage(frameMessage(event, isCheckout, options, win.location.origin), origin);
      } catch (e) {
        // Not cloneable or the parent is gone: the frame's next snapshot repairs the picture.
      }
    },
  });
  const stopPopovers = watchPopovers(win.document, () => false);
  const stop = () => {
    if (stopped) return;
    stopped = true;
    win.removeEventListener("message", onMessage);
    stopPopovers();
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
