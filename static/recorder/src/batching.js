// Batching and the unacked outbox: pure logic (no DOM, no socket), so node can test it.
import { encodeEvents, fromBase64, toBase64 } from "./frames.js";

/**
 * Collects events and hands them over as one batch every `delayMs` or as soon as `maxEvents` are queued.
 * Timers are injected so tests drive time themselves.
 */
export class Batcher {
  constructor({
    delayMs = 250,
    maxEvents = 100,
    onFlush,
    // Wrapped: window.setTimeout throws "Illegal invocation" when called as a method of another object.
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (id) => clearTimeout(id),
  }) {
    Object.assign(this, { delayMs, maxEvents, onFlush, setTimer, clearTimer });
    this.events = [];
    this.timer = null;
  }

  add(event) {
    // A Meta event starts a new batch and stays with the full snapshot that follows it: live viewers
    // start from the newest batch holding a full snapshot (docs/PROTOCOL.md).
    if (event && event.type === 4) this.flush();
    this.events.push(event);
    if (this.events.length >= this.maxEvents && !(event && event.type === 4)) this.flush();
    else if (this.timer === null) this.timer = this.setTimer(() => this.flush(), this.delayMs);
  }

  flush() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (!this.events.length) return;
    const events = this.events;
    this.events = [];
    this.onFlush(events);
  }
}

/**
 * Batches waiting for their ack, in seq order. Bounded: when the server is unreachable for long, the
 * oldest batches are dropped (the caller then takes a fresh full snapshot so the replay stays playable).
 */
export class Outbox {
  constructor({ nextSeq = 0, maxBytes = 16 * 1024 * 1024, maxBatches = 2000 } = {}) {
    this.nextSeq = nextSeq;
    this.maxBytes = maxBytes;
    this.maxBatches = maxBatches;
    this.items = [];
    this.bytes = 0;
    this.dropped = 0;
  }

  /** Encode and queue a batch; returns the queued item `{seq, data, full}`. */
  push(events) {
    const full = events.some((e) => e && e.type === 2);
    const item = { seq: this.nextSeq, data: encodeEvents(events), full };
    this.nextSeq += 1;
    this.items.push(item);
    this.bytes += item.data.length;
    while (this.items.length > 1 && (this.bytes > this.maxBytes || this.items.length > this.maxBatches)) {
      const old = this.items.shift();
      this.bytes -= old.data.length;
      this.dropped += 1;
    }
    return item;
  }

  /** The server stored everything up to `seq` (ack or ready.acked): forget those batches. */
  ackThrough(seq) {
    while (this.items.length && this.items[0].seq <= seq) this.bytes -= this.items.shift().data.length;
    // A server that already holds higher seqs than we know (state lost with a closed tab) must never see a
    // seq twice for different data.
    if (seq >= this.nextSeq) this.nextSeq = seq + 1;
  }

  /** Forget the oldest batch (the server refused it as malformed or too large: resending cannot help). */
  dropFirst() {
    const old = this.items.shift();
    if (old) {
      this.bytes -= old.data.length;
      this.dropped += 1;
    }
  }

  ack(seq) {
    const idx = this.items.findIndex((i) => i.seq === seq);
    if (idx >= 0) this.bytes -= this.items.splice(idx, 1)[0].data.length;
  }

  pending() {
    return this.items.slice();
  }

  /** A compact JSON string for sessionStorage, at most `limit` characters (newest batches dropped first). */
  serialize(limit = 3 * 1024 * 1024) {
    const items = [];
    let size = 64;
    for (const item of this.items) {
      const entry = [item.seq, item.full ? 1 : 0, toBase64(item.data)];
      size += entry[2].length + 24;
      if (size > limit) break;
      items.push(entry);
    }
    return JSON.stringify({ v: 1, next: this.nextSeq, items });
  }

  static restore(text, options = {}) {
    const box = new Outbox(options);
    if (!text) return box;
    try {
      const state = JSON.parse(text);
      if (state.v !== 1) return box;
      box.nextSeq = Number.isInteger(state.next) ? state.next : 0;
      for (const [seq, full, data] of state.items || []) {
        const bytes = fromBase64(data);
        box.items.push({ seq, full: !!full, data: bytes });
        box.bytes += bytes.length;
      }
    } catch (e) {
      return new Outbox(options);
    }
    return box;
  }
}

/** Reconnect delay: exponential from 500 ms to 30 s, with "equal jitter" so tabs don't reconnect in step. */
export function backoffDelay(attempt, random = Math.random, base = 500, cap = 30000) {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** What the client does when the socket closes with `code`. */
export function closeAction(code) {
  if (code === 4410 || code === 4401) return "ended";
  // The session stored its size limit (SUPPORTREPLAY_SESSION_MAX_BYTES): retrying cannot help.
  if (code === 4420) return "quota";
  if (code === 4403) return "refused";
  if (code === 4409) return "other-browser";
  // The first unacked batch was refused: drop it (the server records a gap) and reconnect.
  if (code === 4400 || code === 4413) return "drop";
  return "retry";
}
