// The recorder bundle, loaded by loader.js only after consent. Wires rrweb, the plugins, our custom events,
// the banner and the transport together; the logic lives in the small modules next to this file.
import { getRecordConsolePlugin } from "@rrweb/rrweb-plugin-console-record";
import { getRecordNetworkPlugin } from "@rrweb/rrweb-plugin-network-record";
import { record } from "rrweb";
import { ASSET_TAG, createAssetCapture } from "./assets.js";
import { createBanner } from "./banner.js";
import { Batcher } from "./batching.js";
import { withInflightRequests } from "./inflight.js";
import {
  consolePluginOptions,
  earlyConsoleEvents,
  errorPayload,
  isConsoleError,
  maskEvent,
  maskRecordedEvent,
  networkPluginOptions,
  recordOptions,
  workersAllowed,
} from "./capture.js";
import { collectEnvironment } from "./environment.js";
import { startFrameChild } from "./framechild.js";
import { allowedFrameOrigins, createFrameHost } from "./framehost.js";
import { watchPopovers } from "./popovers.js";
import { watchRoutes } from "./routes.js";
import { clearTabState, forkTabState, KEYS, openTabState, safeStorage } from "./state.js";
import { claimTab } from "./tabclaim.js";
import { ingestUrl, Transport } from "./transport.js";
import { watchLongTasks, watchVitals } from "./vitals.js";

const PERSIST_EVERY_MS = 1000;
const ENDED_MESSAGES = {
  ended: "This support session has ended. Nothing more is shared.",
  refused: "Support could not accept this page, so nothing is shared.",
  // 4409: the link was accepted in another browser (a forwarded link); this one was never recorded.
  "other-browser":
    "This sharing link was accepted in another browser, so nothing from this browser is shared. " +
    "Ask support for a new link if you want to share this screen.",
  // 4420: the session stored its size limit (SUPPORTREPLAY_SESSION_MAX_BYTES); retrying cannot help.
  quota: "This support session reached its size limit, so sharing stopped. Nothing more is shared.",
};
const PERSIST_PERIODIC_MAX_BYTES = 512 * 1024;

function start(win, cfg, store, tabState, releaseTab) {
  const doc = win.document;
  const { outbox } = tabState;
  const supportOrigin = new URL(cfg.src).origin;
  const stats = { bytes: 0, events: 0, frames: 0, batches: 0, startedAt: Date.now() };
  cfg.stats = stats;
  let stopRecording = null;
  let recording = false;
  let finished = false;
  let unloading = false;
  let persistTimer = null;
  let earlyQueue = cfg.q || [];
  const cleanups = [];

  const persist = () => {
    if (persistTimer !== null) win.clearTimeout(persistTimer);
    persistTimer = null;
    if (finished) return;
    if (!store.set(KEYS.outbox, outbox.serialize())) store.remove(KEYS.outbox);
  };
  const schedulePersist = () => {
    if (unloading) persist();
    // Periodic copies only while the outbox is small: a long outage must not cost the page a multi-MB
    // base64 write every second. Page hide and unload always persist (that is what navigations need).
    else if (persistTimer === null && outbox.bytes < PERSIST_PERIODIC_MAX_BYTES) {
      persistTimer = win.setTimeout(persist, PERSIST_EVERY_MS);
    }
  };

  let transport = null;
  const batcher = new Batcher({
    delayMs: 250,
    maxEvents: 100,
    onFlush: (events) => {
      const dropped = outbox.dropped;
      outbox.push(events);
      stats.batches += 1;
      store.set(KEYS.seq, String(outbox.nextSeq));
      transport.pump();
      schedulePersist();
      // The bounded outbox lost old batches while offline: a new full snapshot keeps the replay playable.
      if (outbox.dropped > dropped && recording) win.setTimeout(snapshotNow, 0);
    },
  });

  // Custom events raised before rrweb's first full snapshot (it waits for DOMContentLoaded) wait here and
  // follow that snapshot, so every chunk of the replay still starts with a snapshot.
  let beforeSnapshot = [];
  const custom = (tag, payload) => {
    if (!recording) return;
    if (beforeSnapshot) beforeSnapshot.push({ type: 5, data: { tag, payload }, timestamp: Date.now() });
    else record.addCustomEvent(tag, payload);
  };
  const snapshotNow = () => {
    try {
      record.takeFullSnapshot(true);
    } catch (e) {
      // rrweb has not taken its first snapshot yet: that one is on its way.
    }
  };

  const restoreConsole = () => {
    // The loader wrapped console methods to buffer early calls; put the originals back before rrweb's
    // console plugin wraps them, unless the page replaced them since.
    for (const level of Object.keys(cfg.con || {})) {
      if (win.console[level] === cfg.wr[level]) win.console[level] = cfg.con[level];
    }
  };

  // The link's capture options, for the privacy pass every event takes (maskEvent, capture.js).
  let captureOptions = tabState.options || null;
  // rrweb's console plugin logs every uncaught error and unhandled rejection as a console error as
  // well; our `sr.error` carries the same error with more detail. While the browser dispatches one (a
  // capturing listener on window runs first), the plugin's copy is dropped, so one error counts once.
  let dispatchingUncaught = false;
  const markUncaught = (ev) => {
    if (ev.type === "error" && ev.target !== win) return; // a resource error (img, script) is not one
    dispatchingUncaught = true;
    win.setTimeout(() => {
      dispatchingUncaught = false;
    }, 0);
  };

  const privacyPass = (event) => maskRecordedEvent(event, captureOptions);
  let assets = null;
  let frames = null;

  const emit = (event) => {
    if (finished) return;
    if (dispatchingUncaught && isConsoleError(event)) return;
    stats.events += 1; // counted as taken, synchronously: tests see at once whether anything was recorded
    batcher.add(privacyPass(event));
    if (event.type !== 2) return;
    if (frames) win.setTimeout(() => frames && recording && frames.afterSnapshot(), 0);
    if (earlyQueue) {
      for (const early of earlyConsoleEvents(earlyQueue, event.timestamp)) batcher.add(maskEvent(early, captureOptions));
      earlyQueue = null;
    }
    if (beforeSnapshot) {
      for (const held of beforeSnapshot) {
        held.timestamp = Math.max(held.timestamp, event.timestamp);
        batcher.add(privacyPass(held));
      }
      beforeSnapshot = null;
    }
    if (assets) win.setTimeout(() => assets && recording && assets.afterSnapshot(), 0);
  };

  const startRecording = (options) => {
    if (recording || finished) return;
    recording = true;
    captureOptions = options;
    restoreConsole();
    if (!options.console) earlyQueue = null;
    const plugins = [];
    if (options.console) plugins.push(getRecordConsolePlugin(consolePluginOptions()));
    if (options.network) plugins.push(withInflightRequests(getRecordNetworkPlugin(networkPluginOptions(options, supportOrigin))));
    win.addEventListener("error", markUncaught, true);
    win.addEventListener("unhandledrejection", markUncaught, true);
    cleanups.push(() => {
      win.removeEventListener("error", markUncaught, true);
      win.removeEventListener("unhandledrejection", markUncaught, true);
    });
    const rrwebOptions = recordOptions(options);
    // rrweb samples canvases in a worker made from a blob: URL; a page whose CSP forbids that must not
    // break the whole recording, so canvases stay unrecorded there.
    if (rrwebOptions.recordCanvas && !workersAllowed(win)) rrwebOptions.recordCanvas = false;
    const blocked = `.${rrwebOptions.blockClass}, ${rrwebOptions.blockSelector}`;
    const isBlocked = (el) => Boolean(el.closest && el.closest(blocked));
    if (options.assets && !options.mask_all_text) {
      // Before record(): the capture keeps the page's fetch, not the network plugin's wrapper.
      assets = createAssetCapture(win, {
        send: (payload) => custom(ASSET_TAG, payload),
        isBlocked,
        storage: store,
      });
      cleanups.push(() => assets.stop());
    }
    // Cross-origin frames whose page carries a loader configured for this origin join the recording
    // (framehost.js); any other frame stays an empty, labelled box in the replay.
    frames = createFrameHost(win, { options, isBlocked, origins: allowedFrameOrigins(doc, cfg.src) });
    cleanups.push(() => frames.stop());
    stopRecording = record({ ...rrwebOptions, recordCrossOriginIframes: frames.accept, emit, plugins });
    custom("sr.env", collectEnvironment(win, { tab: tabState.tab, page: tabState.page }));
    const onError = (ev) => custom("sr.error", errorPayload(ev));
    win.addEventListener("error", onError);
    win.addEventListener("unhandledrejection", onError);
    cleanups.push(() => {
      win.removeEventListener("error", onError);
      win.removeEventListener("unhandledrejection", onError);
    });
    cleanups.push(watchRoutes(win, custom));
    cleanups.push(watchPopovers(doc, (el) => el === banner.host));
    cleanups.push(watchLongTasks(win, custom));
    watchVitals(custom);
  };

  const banner = createBanner(doc, {
    company: tabState.options && tabState.options.company,
    onStop: () => finish("You stopped sharing. Support can no longer see this tab.", "stop"),
  });

  const finish = (message, byeReason) => {
    if (finished) return;
    batcher.flush();
    finished = true;
    recording = false;
    if (stopRecording) stopRecording();
    for (const cleanup of cleanups) cleanup();
    restoreConsole(); // ended before recording started: the loader's buffering wrappers go too
    transport.pump();
    transport.close(byeReason ? { t: "bye", reason: byeReason } : null, { deliver: byeReason === "stop" });
    clearTabState(store);
    if (assets) assets.forget();
    releaseTab();
    banner.ended(message);
  };

  transport = new Transport({
    url: ingestUrl(cfg.src),
    outbox,
    hello: () => ({ t: "hello", cred: cfg.cred, tab: tabState.tab, page: tabState.page, dev: cfg.dev || "" }),
    onSent: (n) => {
      stats.bytes += n;
      stats.frames += 1;
    },
    // A refused batch was dropped: a fresh full snapshot keeps the replay consistent after the gap.
    onDropped: () => {
      if (recording) win.setTimeout(snapshotNow, 0);
    },
    onReady: (options) => {
      if (finished) return; // reconnected only to deliver the bye: nothing more to set up or store
      store.set(KEYS.options, JSON.stringify(options));
      banner.setCompany(options.company);
      startRecording(options);
    },
    onControl: (kind) => {
      if (kind === "snapshot" && recording) snapshotNow();
      if (kind === "stop") finish("This support session has ended. Nothing more is shared.");
    },
    onEnded: (action) => finish(ENDED_MESSAGES[action] || ENDED_MESSAGES.ended),
  });

  // A later page of a consented tab starts recording at once with the options the server gave earlier,
  // so nothing is missed while the socket connects.
  if (tabState.options) startRecording(tabState.options);
  transport.connect();

  const flushForLeave = () => {
    batcher.flush();
    transport.pump();
    persist();
  };
  win.addEventListener("visibilitychange", () => {
    if (doc.visibilityState === "hidden" && !finished) flushForLeave();
  });
  win.addEventListener("pagehide", () => {
    if (finished) return;
    unloading = true;
    flushForLeave();
    transport.close({ t: "bye", reason: "unload" });
  });
  win.addEventListener("pageshow", (ev) => {
    // Back/forward cache restored this page: reconnect and give the agent a fresh picture.
    if (!ev.persisted || finished) return;
    unloading = false;
    transport.closed = false;
    transport.connect();
    if (recording) snapshotNow();
  });
}

(function boot(win) {
  const cfg = win.__sr;
  if (!cfg || cfg.started) return;
  if (cfg.child) {
    // A cross-origin frame of a recorded page whose recorder let it join (loader.js, framechild.js).
    cfg.started = true;
    try {
      startFrameChild(win, cfg.child);
    } catch (e) {
      // The framed page must never break because of us; it stays a labelled box in the replay.
    }
    return;
  }
  if (!cfg.cred || !cfg.src) return;
  cfg.started = true;
  const fail = (e) => {
    // The customer's page must never break because of us.
    if (cfg.con && cfg.con.warn) cfg.con.warn.call(win.console, "SupportReplay recorder failed to start", e);
  };
  try {
    const store = safeStorage(win);
    const tabState = openTabState(store, cfg.cred, win.crypto);
    claimTab(win, tabState.tab, () => tabState.tab)
      .then(({ conflict, close }) => {
        if (conflict) Object.assign(tabState, forkTabState(store, cfg.cred, win.crypto));
        start(win, cfg, store, tabState, close);
      })
      .catch(fail);
  } catch (e) {
    fail(e);
  }
})(window);
