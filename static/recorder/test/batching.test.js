import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "@msgpack/msgpack";
import { Batcher, backoffDelay, closeAction, Outbox } from "../src/batching.js";
import { batchFrames, eventsFrame, fromBase64, toBase64 } from "../src/frames.js";

function fakeTimers() {
  const pending = new Map();
  let id = 0;
  return {
    set: (fn) => {
      id += 1;
      pending.set(id, fn);
      return id;
    },
    clear: (t) => pending.delete(t),
    fire() {
      const fns = [...pending.values()];
      pending.clear();
      for (const fn of fns) fn();
    },
    size: () => pending.size,
  };
}

test("batcher flushes after the delay or at maxEvents", () => {
  const timers = fakeTimers();
  const batches = [];
  const b = new Batcher({ maxEvents: 3, onFlush: (e) => batches.push(e), setTimer: timers.set, clearTimer: timers.clear });
  b.add(1);
  b.add(2);
  assert.equal(batches.length, 0);
  timers.fire();
  assert.deepEqual(batches, [[1, 2]]);
  b.add(3);
  b.add(4);
  b.add(5);
  assert.deepEqual(batches[1], [3, 4, 5]);
  assert.equal(timers.size(), 0, "a full batch cancels the timer");
  b.flush();
  assert.equal(batches.length, 2, "an empty flush sends nothing");
});

test("a meta event starts a new batch and is never split from its full snapshot", () => {
  const batches = [];
  const b = new Batcher({ maxEvents: 2, onFlush: (e) => batches.push(e.map((x) => x.type)), setTimer: () => 1, clearTimer: () => {} });
  b.add({ type: 3 });
  b.add({ type: 4 });
  assert.deepEqual(batches, [[3]], "meta flushed what came before it");
  b.add({ type: 2 });
  assert.deepEqual(batches, [[3], [4, 2]]);
  b.add({ type: 3 });
  b.add({ type: 4 });
  b.add({ type: 4 });
  b.add({ type: 2 });
  assert.deepEqual(batches.slice(2), [[3], [4], [4, 2]]);
});

test("events frame is a msgpack map with the raw events list", () => {
  const box = new Outbox();
  const item = box.push([{ type: 3, timestamp: 1, data: { source: 0 } }]);
  assert.deepEqual(decode(eventsFrame(item.seq, item.data)), {
    t: "events",
    seq: 0,
    events: [{ type: 3, timestamp: 1, data: { source: 0 } }],
  });
});

test("big batches become part frames whose data concatenates to the events list", () => {
  const events = [{ type: 2, timestamp: 1, data: { blob: "x".repeat(3000) } }];
  const box = new Outbox();
  const item = box.push(events);
  assert.equal(item.full, true);
  const frames = batchFrames(7, item.data, 1200, 1024);
  assert.ok(frames.length >= 3);
  const parts = frames.map((f) => decode(f));
  parts.forEach((p, i) => {
    assert.equal(p.t, "part");
    assert.equal(p.seq, 7);
    assert.equal(p.i, i);
    assert.equal(p.n, frames.length);
    assert.ok(frames[i].length <= 1200);
  });
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p.data, at);
    at += p.data.length;
  }
  assert.deepEqual(decode(joined), events);
  assert.equal(batchFrames(7, item.data, 1024 * 1024).length, 1, "small enough: one events frame");
});

test("outbox numbers batches, forgets acked ones and resumes after ready.acked", () => {
  const box = new Outbox();
  for (let i = 0; i < 5; i += 1) box.push([{ type: 3, timestamp: i }]);
  box.ack(1);
  assert.deepEqual(box.pending().map((i) => i.seq), [0, 2, 3, 4]);
  box.ackThrough(2);
  assert.deepEqual(box.pending().map((i) => i.seq), [3, 4]);
  box.ackThrough(9);
  assert.deepEqual(box.pending(), []);
  assert.equal(box.push([]).seq, 10, "never reuse a seq the server already holds");
});

test("outbox is bounded and counts what it dropped", () => {
  const box = new Outbox({ maxBatches: 3 });
  for (let i = 0; i < 5; i += 1) box.push([{ i }]);
  assert.deepEqual(box.pending().map((i) => i.seq), [2, 3, 4]);
  assert.equal(box.dropped, 2);
});

test("outbox survives sessionStorage round trips, within a size limit", () => {
  const box = new Outbox();
  box.push([{ type: 2, timestamp: 1, data: { a: "é€😀" } }]);
  box.push([{ type: 3, timestamp: 2 }]);
  box.ack(0);
  const copy = Outbox.restore(box.serialize());
  assert.equal(copy.nextSeq, 2);
  assert.deepEqual(copy.pending().map((i) => [i.seq, decode(i.data)]), [[1, [{ type: 3, timestamp: 2 }]]]);
  const small = Outbox.restore(box.serialize(70));
  assert.equal(small.nextSeq, 2);
  assert.equal(small.pending().length, 0);
  assert.equal(Outbox.restore("not json").nextSeq, 0);
  assert.deepEqual(fromBase64(toBase64(new Uint8Array([0, 255, 7]))), new Uint8Array([0, 255, 7]));
});

test("backoff grows exponentially with jitter and is capped", () => {
  assert.equal(backoffDelay(0, () => 0), 250);
  assert.equal(backoffDelay(0, () => 1), 500);
  assert.equal(backoffDelay(3, () => 1), 4000);
  assert.equal(backoffDelay(30, () => 1), 30000);
  assert.ok(backoffDelay(30, () => 0) >= 15000);
});

test("close codes: ended, refused and quota stop, everything else retries", () => {
  assert.equal(closeAction(4410), "ended");
  assert.equal(closeAction(4401), "ended");
  assert.equal(closeAction(4403), "refused");
  assert.equal(closeAction(4409), "other-browser");
  assert.equal(closeAction(4420), "quota");
  for (const code of [1006, 1011, 4429, 1001, 4500]) assert.equal(closeAction(code), "retry");
  assert.equal(closeAction(4400), "drop");
  assert.equal(closeAction(4413), "drop");
});
