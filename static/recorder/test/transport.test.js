import assert from "node:assert/strict";
import { test } from "node:test";
import { decode, encode } from "@msgpack/msgpack";
import { Outbox } from "../src/batching.js";
import { ingestUrl, Transport } from "../src/transport.js";

// A scripted stand-in for the browser's WebSocket: records what the client sends, lets the test answer.
function fakeSocketFactory() {
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      sockets.push(this);
    }
    send(bytes) {
      this.sent.push(decode(bytes));
    }
    close(code) {
      this.readyState = 3;
      this.onclose({ code });
    }
    open() {
      this.readyState = 1;
      this.onopen();
    }
    answer(message) {
      this.onmessage({ data: encode(message).slice().buffer });
    }
    drop(code) {
      this.readyState = 3;
      this.onclose({ code });
    }
  }
  return { FakeSocket, sockets };
}

function manualTimers() {
  const queue = [];
  return {
    set: (fn, ms) => queue.push({ fn, ms, live: true }),
    clear: (id) => {
      if (queue[id - 1]) queue[id - 1].live = false;
    },
    queue,
    live: () => queue.filter((t) => t.live),
  };
}

function setup(outbox = new Outbox()) {
  const { FakeSocket, sockets } = fakeSocketFactory();
  const timers = manualTimers();
  const seen = { ready: [], control: [], ended: [] };
  const t = new Transport({
    url: "ws://support.test/ws/ingest/",
    outbox,
    hello: () => ({ t: "hello", cred: "c", tab: "tab1", page: 0 }),
    onReady: (options, acked) => seen.ready.push([options, acked]),
    onControl: (kind) => seen.control.push(kind),
    onEnded: (action, code) => seen.ended.push([action, code]),
    WebSocketImpl: FakeSocket,
    random: () => 0.5,
    timers,
  });
  return { t, sockets, timers, seen, outbox };
}

test("ingest url comes from the loader's own origin", () => {
  assert.equal(ingestUrl("https://support.test/static/recorder/loader.js"), "wss://support.test/ws/ingest/");
  assert.equal(ingestUrl("http://127.0.0.1:8000/static/recorder/loader.js?v=1"), "ws://127.0.0.1:8000/ws/ingest/");
});

test("hello first, batches only after ready, acks empty the outbox", () => {
  const { t, sockets, seen, outbox } = setup();
  outbox.push([{ type: 4, timestamp: 1 }]);
  t.connect();
  sockets[0].open();
  assert.deepEqual(sockets[0].sent, [{ t: "hello", cred: "c", tab: "tab1", page: 0 }]);
  t.pump();
  assert.equal(sockets[0].sent.length, 1, "nothing before ready");
  sockets[0].answer({ t: "ready", acked: -1, options: { console: true, max_frame: 1048576 } });
  assert.equal(seen.ready[0][0].console, true);
  assert.deepEqual(sockets[0].sent[1], { t: "events", seq: 0, events: [{ type: 4, timestamp: 1 }] });
  sockets[0].answer({ t: "ack", seq: 0 });
  assert.equal(outbox.pending().length, 0);
  sockets[0].answer({ t: "snapshot" });
  sockets[0].answer({ t: "stop" });
  assert.deepEqual(seen.control, ["snapshot", "stop"]);
});

test("after a dropped socket the client reconnects with backoff and resends from ready.acked + 1", () => {
  const { t, sockets, timers, outbox } = setup();
  t.connect();
  sockets[0].open();
  sockets[0].answer({ t: "ready", acked: -1, options: {} });
  for (let i = 0; i < 4; i += 1) {
    outbox.push([{ type: 3, timestamp: i }]);
    t.pump();
  }
  sockets[0].answer({ t: "ack", seq: 0 });
  sockets[0].drop(1011);
  const [retry] = timers.live();
  assert.ok(retry.ms >= 250 && retry.ms <= 500);
  retry.live = false;
  retry.fn();
  sockets[1].open();
  sockets[1].answer({ t: "ready", acked: 2, options: {} });
  const resent = sockets[1].sent.filter((m) => m.t === "events").map((m) => m.seq);
  assert.deepEqual(resent, [3], "seq 1 and 2 were stored before the drop, so only 3 is resent");
  sockets[1].drop(1006);
  assert.ok(timers.live()[0].ms <= 500, "a ready resets the backoff");
});

test("4410 and 4401 end the recording, 4403 refuses it, 4420 (session quota) stops it; no retry", () => {
  for (const [code, action] of [
    [4410, "ended"],
    [4401, "ended"],
    [4403, "refused"],
    [4420, "quota"],
  ]) {
    const { t, sockets, timers, seen } = setup();
    t.connect();
    sockets[0].open();
    sockets[0].drop(code);
    assert.deepEqual(seen.ended, [[action, code]]);
    assert.equal(timers.live().length, 0);
  }
});

test("close sends the last message (bye) and stops reconnecting", () => {
  const { t, sockets, timers } = setup();
  t.connect();
  sockets[0].open();
  t.close({ t: "bye", reason: "stop" });
  assert.deepEqual(sockets[0].sent.at(-1), { t: "bye", reason: "stop" });
  assert.equal(timers.live().filter((timer) => timer.ms !== 10000).length, 0);
});

test("big batches travel as parts within the server's max_frame", () => {
  const { t, sockets, outbox } = setup();
  t.connect();
  sockets[0].open();
  sockets[0].answer({ t: "ready", acked: -1, options: { max_frame: 4096 } });
  outbox.push([{ type: 2, timestamp: 1, data: { html: "y".repeat(10000) } }]);
  t.pump();
  const parts = sockets[0].sent.filter((m) => m.t === "part");
  assert.ok(parts.length >= 3);
  assert.deepEqual(
    parts.map((p) => [p.seq, p.i, p.n]),
    parts.map((_, i) => [0, i, parts.length]),
  );
});

test("a server that never answers hello is abandoned and retried", () => {
  const { t, sockets, timers } = setup();
  t.connect();
  sockets[0].open();
  const [readyTimer] = timers.live();
  assert.equal(readyTimer.ms, 10000);
  readyTimer.live = false;
  readyTimer.fn();
  assert.equal(sockets[0].readyState, 3);
  const [retry] = timers.live();
  assert.ok(retry.ms <= 500, "reconnect scheduled");
  retry.live = false;
  retry.fn();
  assert.equal(sockets.length, 2);
  sockets[1].open();
  sockets[1].answer({ t: "ready", acked: -1, options: {} });
  assert.equal(timers.live().length, 0, "ready cancels its timer");
});

test("a malformed or oversized refusal drops the first unacked batch and reconnects", () => {
  const { t, sockets, timers, outbox } = setup();
  let dropped = 0;
  t.onDropped = () => (dropped += 1);
  t.connect();
  sockets[0].open();
  sockets[0].answer({ t: "ready", acked: -1, options: {} });
  outbox.push([{ type: 3, timestamp: 1 }]);
  outbox.push([{ type: 3, timestamp: 2 }]);
  t.pump();
  sockets[0].drop(4400);
  assert.deepEqual(outbox.pending().map((i) => i.seq), [1]);
  assert.equal(dropped, 1);
  assert.equal(timers.live().length, 1, "reconnect scheduled");
});

test("a stop pressed while reconnecting is delivered once the server is back", () => {
  const { t, sockets, timers } = setup();
  t.connect();
  sockets[0].open();
  sockets[0].drop(1006);
  t.close({ t: "bye", reason: "stop" }, { deliver: true });
  const [retry] = timers.live();
  retry.live = false;
  retry.fn();
  sockets[1].open();
  assert.deepEqual(sockets[1].sent, [{ t: "hello", cred: "c", tab: "tab1", page: 0 }]);
  sockets[1].answer({ t: "ready", acked: -1, options: {} });
  assert.deepEqual(sockets[1].sent.at(-1), { t: "bye", reason: "stop" });
  assert.equal(t.closed, true);
  assert.equal(sockets[1].readyState, 1, "the server closes after acting on the bye");
  const linger = timers.live().find((timer) => timer.ms === 5000);
  linger.fn();
  assert.equal(sockets[1].readyState, 3, "unless it does not within a few seconds");
});
