// The live view: watch socket -> rrweb Replayer in live mode + panels.
//
// Frames (msgpack, see sessions/consumers/watch.py): hello, reset (a catch-up follows), batch (ev is the
// msgpack of the events), live (catch-up done), status, ended. Each applied batch is acknowledged so
// the server can tell a watcher that falls behind and resynchronise it from the newest full snapshot.
import { decode } from "@msgpack/msgpack";
import { $ } from "./dom.js";
import { LiveFeed } from "./livefeed.js";
import { LatencyProbe, eventRows, idAfter, lastTimestamp, parseViewport } from "./model.js";
import { Panels } from "./panels.js";
import { PartJoiner } from "./parts.js";
import { createReplayer } from "./stage.js";

const CLOSE_MESSAGES = {
  4401: "Your sign-in has expired. Reload the page to sign in again.",
  4403: "You don't have permission to watch sessions.",
  4404: "This session does not exist.",
};
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
    replayer: null,
    lastPanelId: null,
    meta: {},
    probe: new LatencyProbe(),
    lastBatchAt: 0,
    frames: 0,
  };
  // Catch-up, tab switches and drift are decided by LiveFeed (pure, node-tested); this file carries out
  // its steps on the Replayer and the page.
  const feed = new LiveFeed(fallbackMeta);
  state.feed = feed;
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

  function show(steps) {
    for (const step of steps) {
      if (step.wait) {
        overlay("Waiting for the customer's page…");
      } else if (step.start) {
        if (state.replayer) state.replayer.destroy();
        // No virtual DOM in live mode: rrweb casts the catch-up (events older than the live baseline) as
        // "sync" events, which with a virtual DOM go into it and are only written to the page by a seek's
        // flush, which live mode never does; every later mutation then went to the virtual DOM too.
        state.replayer = createReplayer(ui.stage, [], { liveMode: true, useVirtualDom: false });
        state.replayer.startLive(step.baseline);
        state.replayer.learnAssets(step.start);
        for (const event of step.start) state.replayer.addEvent(event);
        overlay(null);
      } else if (step.add) {
        state.replayer.learnAssets(step.add);
        for (const event of step.add) state.replayer.addEvent(event);
      }
    }
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
    const catching = feed.catching;
    show(feed.batch(entry, frame.now, performance.now()));
    if (!catching) {
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
        feed.reset();
        if (!state.replayer) overlay(frame.reason === "resync" ? "Catching up…" : "Loading the customer's page…");
        break;
      case "batch":
        onBatch(frame, receivedAt);
        break;
      case "live":
        show(feed.finishCatchUp(frame.now, performance.now()));
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
