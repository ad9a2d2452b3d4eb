// The live view: watch socket -> rrweb Replayer in live mode + panels.
//
// Frames (msgpack, see sessions/consumers/watch.py): hello, reset (a catch-up follows), batch (ev is the
// msgpack of the events), live (catch-up done), status, ended. Each applied batch is acknowledged so
// the server can tell a watcher that falls behind and resynchronise it from the newest full snapshot.
import { decode } from "@msgpack/msgpack";
import { $ } from "./dom.js";
import {
  LatencyProbe,
  estimateRecorderNow,
  eventRows,
  fromLastSnapshot,
  idAfter,
  lastTimestamp,
  parseViewport,
} from "./model.js";
import { Panels } from "./panels.js";
import { PartJoiner } from "./parts.js";
import { createReplayer } from "./stage.js";

const CLOSE_MESSAGES = {
  4401: "Your sign-in has expired. Reload the page to sign in again.",
  4403: "You don't have permission to watch sessions.",
  4404: "This session does not exist.",
};
const DRIFT_LIMIT_MS = 3000;
const ACK_EVERY_MS = 500;

export function startLive(config) {
  const ui = {
    stage: $("[data-stage]"),
    overlay: $("[data-overlay]"),
    overlayText: $("[data-overlay-text]"),
    conn: $("[data-conn]"),
    connLabel: $("[data-conn-label]"),
    latency: $("[data-latency]"),
    pageUrl: $("[data-page-url]"),
    viewport: $("[data-viewport]"),
    ended: $("[data-ended]"),
    endedReason: $("[data-ended-reason]"),
    replayLink: $("[data-replay-link]"),
  };
  const panels = new Panels($("[data-panels]"), { mode: "live" });
  panels.onPage = (href, viewport) => {
    if (href) ui.pageUrl.textContent = href;
    if (viewport) ui.viewport.textContent = viewport;
  };
  const state = {
    ws: null,
    ended: false,
    retries: 0,
    catching: false,
    buffer: [],
    replayer: null,
    tab: null,
    baseline: 0,
    startedAt: 0,
    sinceSnapshot: [],
    lastPanelId: null,
    meta: {},
    probe: new LatencyProbe(),
    lastBatchAt: 0,
    frames: 0,
  };
  window.__srLive = state; // read by tests and handy in the console

  function setConn(kind, label) {
    ui.conn.className = `conn conn-${kind}`;
    ui.connLabel.textContent = label;
  }

  function overlay(text, busy = true) {
    if (text) {
      ui.overlayText.textContent = text;
      ui.overlay.classList.toggle("idle", !busy);
      ui.overlay.classList.remove("hidden");
    } else {
      ui.overlay.classList.add("hidden");
    }
  }

  function applyMeta(meta) {
    state.meta = meta || {};
    if (state.meta.page_url && !state.replayer) ui.pageUrl.textContent = state.meta.page_url;
    if (state.meta.viewport && !state.replayer) ui.viewport.textContent = String(state.meta.viewport).replace("x", "×");
    if (state.ended) return;
    if (state.ws?.readyState !== WebSocket.OPEN) return;
    if (Number(state.meta.connected) > 0) setConn("connected", "Customer connected");
    else setConn("away", "Customer reconnecting…");
  }

  function fallbackMeta() {
    const vp = parseViewport(state.meta.viewport) || {};
    return { href: state.meta.page_url, width: vp.width, height: vp.height };
  }

  function rebuild(events, recorderNow) {
    if (state.replayer) state.replayer.destroy();
    // No virtual DOM in live mode: rrweb casts the catch-up (events older than the live baseline) as
    // "sync" events, which with a virtual DOM go into it and are only written to the page by a seek's
    // flush, which live mode never does; every later mutation then went to the virtual DOM too.
    state.replayer = createReplayer(ui.stage, [], { liveMode: true, useVirtualDom: false });
    state.baseline = recorderNow || lastTimestamp(events);
    state.startedAt = performance.now();
    state.replayer.startLive(state.baseline);
    for (const event of events) state.replayer.addEvent(event);
    state.sinceSnapshot = events.slice();
    overlay(null);
  }

  function startFrom(entry, frameNow) {
    const events = fromLastSnapshot(entry.events, fallbackMeta());
    if (!events) return false;
    state.tab = entry.tab;
    rebuild(events, estimateRecorderNow(entry, frameNow));
    return true;
  }

  function finishCatchUp(frameNow) {
    const buffer = state.buffer;
    state.buffer = [];
    state.catching = false;
    let start = -1;
    for (let i = buffer.length - 1; i >= 0; i -= 1) {
      if (buffer[i].full) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      if (state.replayer) return; // a resync without a snapshot: keep what is shown
      overlay("Waiting for the customer's page…");
      return;
    }
    const tab = buffer[start].tab;
    const events = buffer.slice(start).filter((b) => b.tab === tab).flatMap((b) => b.events);
    const startEvents = fromLastSnapshot(events, fallbackMeta());
    if (!startEvents) return;
    state.tab = tab;
    rebuild(startEvents, estimateRecorderNow(buffer[buffer.length - 1], frameNow));
  }

  function applyTail(entry, frameNow) {
    if (!state.replayer || (entry.tab !== state.tab && entry.full)) {
      // First page, or the customer is now in another tab: start from that tab's snapshot.
      if (entry.full) startFrom(entry, frameNow);
      return;
    }
    if (entry.tab !== state.tab) return;
    for (const event of entry.events) state.replayer.addEvent(event);
    if (entry.full) state.sinceSnapshot = fromLastSnapshot(entry.events, fallbackMeta()) || entry.events;
    else state.sinceSnapshot.push(...entry.events);
    // rrweb schedules events against the recorder clock estimated at start; if that estimate was early,
    // new events would wait. Restart the timer from the current snapshot when it drifts too far.
    const due = lastTimestamp(entry.events) - state.baseline - (performance.now() - state.startedAt);
    if (due > DRIFT_LIMIT_MS) rebuild(state.sinceSnapshot, estimateRecorderNow(entry, frameNow));
  }

  function onBatch(frame, receivedAt) {
    let events;
    try {
      events = decode(frame.ev);
    } catch {
      events = [];
    }
    if (!Array.isArray(events)) events = [];
    const entry = { id: frame.id, tab: frame.tab, ts: frame.ts, full: Boolean(frame.full), events };
    if (idAfter(entry.id, state.lastPanelId)) {
      panels.add(events.flatMap(eventRows));
      state.lastPanelId = entry.id;
    }
    if (state.catching) {
      state.buffer.push(entry);
    } else {
      applyTail(entry, frame.now);
      if (events.length) state.probe.observe(frame.now, lastTimestamp(events), receivedAt);
      state.lastBatchAt = receivedAt;
    }
    state.frames += 1;
    ack(entry.id);
  }

  // Acks are cumulative (the newest applied stream id): send at most one per ACK_EVERY_MS.
  let ackTimer = null;
  let toAck = null;
  function ack(id) {
    toAck = id;
    if (ackTimer) return;
    ackTimer = setTimeout(() => {
      ackTimer = null;
      if (toAck && state.ws?.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify({ t: "ack", id: toAck }));
      toAck = null;
    }, ACK_EVERY_MS);
  }

  function onEnded(frame) {
    state.ended = true;
    setConn("ended", "Session ended");
    ui.ended.classList.remove("hidden");
    ui.replayLink.classList.remove("hidden");
    const reasons = {
      stop: "The customer stopped sharing.",
      revoked: "An agent revoked the session.",
      idle: "It was idle for too long.",
      max_duration: "It reached the maximum length.",
      expired: "The recording credential expired.",
    };
    ui.endedReason.textContent = reasons[frame.reason] || "";
    ui.latency.classList.add("hidden");
    if (!state.replayer) overlay("This session has ended.", false);
  }

  function onFrame(frame, receivedAt) {
    switch (frame.t) {
      case "hello":
        applyMeta(frame.meta);
        break;
      case "reset":
        state.catching = true;
        state.buffer = [];
        if (!state.replayer) overlay(frame.reason === "resync" ? "Catching up…" : "Loading the customer's page…");
        break;
      case "batch":
        onBatch(frame, receivedAt);
        break;
      case "live":
        finishCatchUp(frame.now);
        applyMeta(state.meta);
        break;
      case "status":
        applyMeta(frame.meta);
        break;
      case "ended":
        onEnded(frame);
        break;
      default:
        break;
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${window.location.host}${config.ws}`);
    ws.binaryType = "arraybuffer";
    state.ws = ws;
    const joiner = new PartJoiner();
    ws.onopen = () => {
      state.retries = 0;
    };
    ws.onmessage = (message) => {
      const receivedAt = Date.now();
      if (!(message.data instanceof ArrayBuffer)) return;
      let frame = decode(new Uint8Array(message.data));
      if (frame && frame.t === "part") {
        // A frame over the websocket cap (a big snapshot), split by the server: wait for its last part.
        const whole = joiner.add(frame);
        if (!whole) return;
        frame = decode(whole);
      }
      onFrame(frame, receivedAt);
    };
    ws.onclose = (event) => {
      if (state.ended) return;
      if (CLOSE_MESSAGES[event.code]) {
        setConn("error", "Not watching");
        overlay(CLOSE_MESSAGES[event.code], false);
        return;
      }
      state.retries += 1;
      const delay = Math.min(10000, 500 * 2 ** Math.min(state.retries, 5)) * (0.8 + Math.random() * 0.4);
      setConn("connecting", "Reconnecting…");
      setTimeout(connect, delay);
    };
  }

  setInterval(() => {
    const value = state.probe.current;
    if (value === null) return;
    const idle = Date.now() - state.lastBatchAt > 5000;
    ui.latency.textContent = idle ? `idle · was ${Math.round(value)} ms behind` : `${Math.round(value)} ms behind`;
    ui.latency.classList.toggle("slow", value > 1000);
    ui.latency.dataset.ms = String(Math.round(value));
  }, 500);

  connect();
}
