import assert from "node:assert/strict";
import { test } from "node:test";
import {
  LatencyProbe,
  chunkIndexFor,
  currentIndex,
  estimateRecorderNow,
  eventRows,
  fmtClock,
  formatConsoleArg,
  fromLastSnapshot,
  idAfter,
  markersFromEvents,
  parseStartParam,
  rageClicks,
  requestSize,
} from "../src/model.js";

const click = (ts, x, y) => ({ type: 3, data: { source: 2, type: 2, id: 5, x, y }, timestamp: ts });
const consoleEvent = (level, args, trace = []) => ({
  type: 6,
  data: { plugin: "rrweb/console@1", payload: { level, payload: args, trace } },
  timestamp: 1000,
});

test("console rows show strings without their JSON quotes and keep the stack", () => {
  const [row] = eventRows(consoleEvent("error", ['"Payment failed"', "42", "{\"a\":1}"], ["at pay (app.js:3:9)"]));
  assert.equal(row.kind, "console");
  assert.equal(row.level, "error");
  assert.equal(row.text, 'Payment failed 42 {"a":1}');
  assert.deepEqual(row.trace, ["at pay (app.js:3:9)"]);
  assert.equal(formatConsoleArg('"not json'), '"not json');
});

test("network rows carry method, status, duration, size and mark failures like the server does", () => {
  const event = {
    type: 6,
    timestamp: 5000,
    data: {
      plugin: "rrweb/network@1",
      payload: {
        requests: [
          { url: "/api/pay", method: "post", status: 500, startTime: 10, endTime: 130, responseHeaders: { "Content-Length": "17" } },
          { url: "/api/ok", method: "GET", status: 200, startTime: 0, endTime: 5 },
          { url: "/api/gone", method: "GET", status: 0 },
        ],
      },
    },
  };
  const rows = eventRows(event);
  assert.deepEqual(
    rows.map((r) => [r.method, r.status, r.duration, r.size, r.failed]),
    [
      ["POST", 500, 120, 17, true],
      ["GET", 200, 5, null, false],
      ["GET", 0, null, null, true],
    ],
  );
  assert.equal(requestSize({ transferSize: 900 }), 900);
});

test("errors, environment, vitals and navigations become their own rows; unknown events none", () => {
  const error = { type: 5, timestamp: 1, data: { tag: "sr.error", payload: { kind: "unhandledrejection", message: "boom", stack: "s" } } };
  assert.equal(eventRows(error)[0].errorKind, "Unhandled rejection");
  assert.equal(eventRows({ type: 5, timestamp: 1, data: { tag: "sr.env", payload: { os: "Linux" } } })[0].data.os, "Linux");
  assert.equal(eventRows({ type: 4, timestamp: 1, data: { href: "https://x/", width: 10, height: 20 } })[0].kind, "nav");
  assert.deepEqual(eventRows({ type: 3, timestamp: 1, data: { source: 1, positions: [] } }), []);
  assert.deepEqual(eventRows(null), []);
});

test("rage clicks need three clicks within a second on one spot", () => {
  assert.deepEqual(rageClicks([click(0, 10, 10), click(300, 12, 11), click(600, 9, 10), click(5000, 10, 10)]), [{ ts: 0, count: 3 }]);
  assert.deepEqual(rageClicks([click(0, 10, 10), click(300, 300, 11), click(600, 9, 10)]), []);
  assert.deepEqual(rageClicks([click(0, 10, 10), click(700, 10, 10), click(1400, 10, 10)]), []);
});

test("markers from events: errors, failed requests, navigations after the first page, rage clicks", () => {
  const events = [
    { type: 4, timestamp: 0, data: { href: "https://shop/a" } },
    consoleEvent("error", ['"x"']),
    { type: 6, timestamp: 2000, data: { plugin: "rrweb/network@1", payload: { requests: [{ url: "/p", status: 502 }] } } },
    { type: 4, timestamp: 3000, data: { href: "https://shop/b" } },
    click(4000, 1, 1), click(4100, 1, 1), click(4200, 1, 1),
  ];
  assert.deepEqual(markersFromEvents(events).map((m) => m.kind), ["error", "failed_request", "navigation", "rage_click"]);
});

test("current row is the last one at or before the time", () => {
  const rows = [{ ts: 10 }, { ts: 20 }, { ts: 20 }, { ts: 30 }];
  assert.equal(currentIndex(rows, 5), -1);
  assert.equal(currentIndex(rows, 20), 2);
  assert.equal(currentIndex(rows, 99), 3);
});

test("the chunk for a time is the last one starting at or before it", () => {
  const chunks = [{ start_ts: 100 }, { start_ts: 200 }, { start_ts: 300 }];
  assert.equal(chunkIndexFor(chunks, 50), 0);
  assert.equal(chunkIndexFor(chunks, 250), 1);
  assert.equal(chunkIndexFor(chunks, 300), 2);
  assert.equal(chunkIndexFor([], 1), -1);
});

test("?t= accepts seconds, 1m30s and m:ss", () => {
  assert.equal(parseStartParam("?t=12.5"), 12.5);
  assert.equal(parseStartParam("?t=90s"), 90);
  assert.equal(parseStartParam("?t=1m30s"), 90);
  assert.equal(parseStartParam("?t=1:30"), 90);
  assert.equal(parseStartParam("?t=nope"), null);
  assert.equal(parseStartParam(""), null);
  assert.equal(fmtClock(3723000), "1:02:03");
  assert.equal(fmtClock(65000), "1:05");
});

test("a replayer starts at the meta before the newest full snapshot, or a made-up meta", () => {
  const events = [
    { type: 4, timestamp: 1, data: { href: "a" } },
    { type: 2, timestamp: 1, data: {} },
    { type: 3, timestamp: 2, data: {} },
    { type: 4, timestamp: 3, data: { href: "b" } },
    { type: 2, timestamp: 3, data: {} },
    { type: 3, timestamp: 4, data: {} },
  ];
  assert.deepEqual(fromLastSnapshot(events).map((e) => e.timestamp), [3, 3, 4]);
  const noMeta = fromLastSnapshot([{ type: 3, timestamp: 1 }, { type: 2, timestamp: 5, data: {} }], { href: "c", width: 800, height: 600 });
  assert.deepEqual(noMeta[0], { type: 4, data: { href: "c", width: 800, height: 600 }, timestamp: 5 });
  assert.equal(fromLastSnapshot([{ type: 3, timestamp: 1 }]), null);
});

test("latency probe separates recorder->server from server->page using the best offset seen", () => {
  const probe = new LatencyProbe();
  // page clock 1000 ms ahead of the server; transit 5 ms at best
  assert.equal(probe.observe(10_000, 9_960, 11_005), 40);
  assert.equal(probe.observe(20_000, 19_990, 21_025), 30);
  assert.equal(probe.current, 40);
  // a customer clock ahead of the server does not make negative latency
  assert.equal(new LatencyProbe().observe(10_000, 10_500, 10_000), 0);
});

test("recorder clock estimate subtracts the newest batch's recorder->server delay", () => {
  assert.equal(estimateRecorderNow({ ts: 1_050, events: [{ timestamp: 900 }, { timestamp: 1_000 }] }, 5_000), 4_950);
  assert.equal(estimateRecorderNow({ ts: 1, events: [] }, 5), null);
});

test("stream ids compare by milliseconds then sequence", () => {
  assert.equal(idAfter("10-1", "10-0"), true);
  assert.equal(idAfter("9-5", "10-0"), false);
  assert.equal(idAfter("11-0", "10-9"), true);
  assert.equal(idAfter("10-0", null), true);
});
