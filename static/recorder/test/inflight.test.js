import assert from "node:assert/strict";
import { test } from "node:test";
import { entryToRequest, inflightEntries, withInflightRequests } from "../src/inflight.js";

const entry = (initiatorType, startTime, responseEnd, name = "https://a.example/api") => ({
  initiatorType,
  startTime,
  responseEnd,
  duration: responseEnd - startTime,
  entryType: "resource",
  name,
  responseStatus: 200,
});

test("only fetch/XHR requests started before the patches are in-flight ones", () => {
  const entries = [entry("fetch", 10, 900), entry("xmlhttprequest", 50, 700), entry("fetch", 600, 800), entry("img", 5, 950)];
  assert.deepEqual(
    inflightEntries(entries, 500).map((e) => e.startTime),
    [10, 50],
  );
});

test("an in-flight request looks like the plugin's initial requests", () => {
  assert.deepEqual(entryToRequest(entry("fetch", 10.4, 900.6)), {
    initiatorType: "fetch",
    status: 200,
    startTime: 10,
    endTime: 901,
    duration: 890.2,
    entryType: "resource",
    name: "https://a.example/api",
  });
});

test("the wrapped plugin starts and stops the original observer and a resource observer", () => {
  const calls = [];
  const plugin = { name: "rrweb/network@1", observer: (cb) => (calls.push("start"), () => calls.push("stop")), options: {} };
  let watcher = null;
  class FakeObserver {
    constructor(fn) {
      watcher = fn;
    }
    observe(opts) {
      calls.push(`observe:${opts.type}`);
    }
    disconnect() {
      calls.push("disconnect");
    }
  }
  const win = { performance: { now: () => 500 }, PerformanceObserver: FakeObserver };
  const got = [];
  // The plugin's transform (sanitizeRequest) applies: it adds `url` and drops our own traffic.
  const transformRequestFn = (r) => (r.name.includes("/ws/ingest/") ? undefined : { ...r, url: r.name });
  const stop = withInflightRequests(plugin).observer((data) => got.push(data), win, { transformRequestFn });
  watcher({
    getEntries: () => [entry("fetch", 100, 1200), entry("fetch", 700, 900), entry("fetch", 1, 999, "https://s/ws/ingest/")],
  });
  assert.equal(got.length, 1);
  assert.equal(got[0].requests.length, 1);
  assert.equal(got[0].requests[0].startTime, 100);
  assert.equal(got[0].requests[0].url, "https://a.example/api");
  stop();
  assert.deepEqual(calls, ["start", "observe:resource", "disconnect", "stop"]);
});
