// The ingest socket: hello/ready, sending batches, acks, reconnect with backoff, close codes.
import { decode, encode } from "@msgpack/msgpack";
import { backoffDelay, closeAction } from "./batching.js";
import { batchFrames } from "./frames.js";

const DEFAULT_MAX_FRAME = 1024 * 1024;
// A server that accepted the socket but never answers hello (stuck, or failing to close) is given up on
// after this long, and the client reconnects with backoff.
export const READY_TIMEOUT_MS = 10000;
const LINGER_MS = 5000;

/** ws[s]://<host of the loader script>/ws/ingest/ */
export function ingestUrl(scriptSrc) {
  const u = new URL(scriptSrc);
  return `${u.protocol === "https:" ? "wss:" : "ws:"}//${u.host}/ws/ingest/`;
}

/**
 * One logical connection that survives socket failures. `outbox` holds what must reach the server; every
 * (re)connect starts with hello, and after `ready` everything newer than `ready.acked` is sent again.
 */
export class Transport {
  constructor(options) {
    const { url, hello, outbox, onReady, onControl, onEnded, onSent, onDropped } = options;
    const { WebSocketImpl, random, timers, readyTimeoutMs } = options;
    Object.assign(this, { url, hello, outbox, onReady, onControl, onEnded, onSent, onDropped });
    this.readyTimeoutMs = readyTimeoutMs || READY_TIMEOUT_MS;
    this.readyTimer = null;
    this.WS = WebSocketImpl || WebSocket;
    this.random = random || Math.random;
    this.timers = timers || { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) };
    this.ws = null;
    this.ready = false;
    this.closed = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.maxFrame = DEFAULT_MAX_FRAME;
    this.sentThrough = -1;
  }

  connect() {
    if (this.closed) return;
    let ws;
    try {
      ws = new this.WS(this.url);
    } catch (e) {
      this.scheduleRetry();
      return;
    }
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.ready = false;
    ws.onopen = () => {
      this.raw(this.hello());
      this.readyTimer = this.timers.set(() => {
        this.readyTimer = null;
        if (ws === this.ws && !this.ready) this.abandon(ws);
      }, this.readyTimeoutMs);
    };
    ws.onmessage = (msg) => this.receive(msg.data);
    ws.onclose = (ev) => this.closedWith(ws, ev.code);
    ws.onerror = () => {};
  }

  raw(message) {
    this.rawBytes(encode(message));
  }

  rawBytes(bytes) {
    if (this.ws && this.ws.readyState === 1) {
      this.ws.send(bytes);
      if (this.onSent) this.onSent(bytes.length);
    }
  }

  receive(data) {
    let msg;
    try {
      msg = decode(new Uint8Array(data));
    } catch (e) {
      return;
    }
    if (!msg || typeof msg !== "object") return;
    if (msg.t === "ready") {
      this.clearReadyTimer();
      this.ready = true;
      this.attempt = 0;
      const options = msg.options || {};
      if (Number.isInteger(options.max_frame) && options.max_frame > 0) this.maxFrame = options.max_frame;
      const acked = Number.isInteger(msg.acked) ? msg.acked : -1;
      this.outbox.ackThrough(acked);
      this.sentThrough = acked;
      if (this.onReady) this.onReady(options, acked);
      this.pump();
      if (this.lastWord) this.close(this.lastWord, { deliver: true });
    } else if (msg.t === "ack" && Number.isInteger(msg.seq)) {
      this.outbox.ack(msg.seq);
    } else if (msg.t === "stop" || msg.t === "snapshot") {
      if (this.onControl) this.onControl(msg.t);
    }
  }

  /** Send every queued batch the server has not been sent on this socket yet. */
  pump() {
    if (!this.ready) return;
    for (const item of this.outbox.pending()) {
      if (item.seq <= this.sentThrough) continue;
      for (const frame of batchFrames(item.seq, item.data, this.maxFrame)) this.rawBytes(frame);
      this.sentThrough = item.seq;
    }
  }

  clearReadyTimer() {
    if (this.readyTimer !== null) this.timers.clear(this.readyTimer);
    this.readyTimer = null;
  }

  /** Drop a socket that stopped answering and reconnect, without waiting for its close handshake. */
  abandon(ws) {
    ws.onclose = null;
    try {
      ws.close();
    } catch (e) {
      // Closing a broken socket may throw; it is gone either way.
    }
    this.closedWith(ws, 1006);
  }

  closedWith(ws, code) {
    if (ws !== this.ws) return;
    this.clearReadyTimer();
    this.ws = null;
    this.ready = false;
    if (this.closed) return;
    const action = closeAction(code);
    if (action === "drop") {
      this.outbox.dropFirst();
      if (this.onDropped) this.onDropped(code);
      this.scheduleRetry();
    } else if (action === "retry") this.scheduleRetry();
    else {
      this.closed = true;
      if (this.onEnded) this.onEnded(action, code);
    }
  }

  scheduleRetry() {
    if (this.closed || this.retryTimer !== null) return;
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt += 1;
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  /**
   * Send a last frame (bye) if we can, then close for good. With `deliver`, a socket that is not ready
   * yet (reconnecting) keeps trying until the server has heard the message: a customer's "Stop" must
   * reach the server even if it was pressed during a network blip.
   */
  close(lastMessage, { deliver = false } = {}) {
    if (deliver && lastMessage && !this.ready) {
      this.lastWord = lastMessage;
      if (!this.ws && this.retryTimer === null) this.connect();
      return;
    }
    this.lastWord = null;
    this.closed = true;
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    if (!ws) return;
    if (lastMessage && ws.readyState === 1) this.raw(lastMessage);
    const shut = () => {
      try {
        ws.close(1000);
      } catch (e) {
        // Already closing.
      }
    };
    // A message that must be delivered (bye stop) is answered by the server closing the socket once
    // it acted on it; closing first could make the server drop the frame with the acks it still owes.
    if (deliver && lastMessage) this.timers.set(shut, LINGER_MS);
    else shut();
  }
}
