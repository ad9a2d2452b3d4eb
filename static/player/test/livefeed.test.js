import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveFeed } from "../src/livefeed.js";

const meta = (ts, href = "https://shop.example/") => ({ type: 4, data: { href, width: 800, height: 600 }, timestamp: ts });
const full = (ts) => ({ type: 2, data: { node: { type: 0, childNodes: [], id: 1 } }, timestamp: ts });
const move = (ts) => ({ type: 3, data: { source: 1, positions: [] }, timestamp: ts });
// A batch entry as the watch socket delivers it; `ts` is the server's arrival time (no transit here).
const entry = (id, tab, events, isFull = false) => ({ id, tab, ts: events.at(-1).timestamp, full: isFull, events });

test("a catch-up is held until live, then starts from the newest snapshot of its tab", () => {
  const feed = new LiveFeed();
  feed.reset();
  assert.deepEqual(feed.batch(entry("1-0", "a", [meta(1000), full(1000)], true), 5000, 0), []);
  assert.deepEqual(feed.batch(entry("2-0", "a", [move(1100)]), 5000, 0), []);
  feed.batch(entry("3-0", "a", [meta(1200), full(1200)], true), 5000, 0);
  feed.batch(entry("4-0", "b", [move(1250)]), 5000, 0); // another tab's batch after the snapshot
  feed.batch(entry("5-0", "a", [move(1300)]), 5000, 0);
  const [step] = feed.finishCatchUp(1300, 10);
  assert.deepEqual(step.start, [meta(1200), full(1200), move(1300)]);
  assert.equal(step.baseline, 1300);
  assert.equal(feed.tab, "a");
  assert.equal(feed.catching, false);
});

test("a catch-up without a snapshot waits the first time and keeps the view on a resync", () => {
  const feed = new LiveFeed();
  feed.reset();
  feed.batch(entry("1-0", "a", [move(1000)]), 2000, 0);
  assert.deepEqual(feed.finishCatchUp(2000, 0), [{ wait: true }]);
  feed.batch(entry("2-0", "a", [meta(2100), full(2100)], true), 2100, 0);
  feed.reset();
  feed.batch(entry("3-0", "a", [move(2200)]), 2200, 0);
  assert.deepEqual(feed.finishCatchUp(2200, 0), []);
  assert.equal(feed.showing, true);
});

test("incremental batches feed the replayer; another tab's switch restarts from its snapshot", () => {
  const feed = new LiveFeed();
  feed.batch(entry("1-0", "a", [meta(1000), full(1000)], true), 1000, 0);
  assert.deepEqual(feed.batch(entry("2-0", "a", [move(1100)]), 1100, 100), [{ add: [move(1100)] }]);
  assert.deepEqual(feed.batch(entry("3-0", "b", [move(1150)]), 1150, 150), []); // not the shown tab
  const [step] = feed.batch(entry("4-0", "b", [meta(1200, "https://shop.example/b"), full(1200)], true), 1200, 200);
  assert.equal(step.start[0].data.href, "https://shop.example/b");
  assert.equal(feed.tab, "b");
  assert.deepEqual(feed.batch(entry("5-0", "a", [move(1300)]), 1300, 300), []);
});

test("nothing is shown before a snapshot, and a snapshot without its Meta gets one from the fallback", () => {
  const feed = new LiveFeed(() => ({ href: "https://shop.example/x", width: 390, height: 800 }));
  assert.deepEqual(feed.batch(entry("1-0", "a", [move(1000)]), 1000, 0), []);
  const [step] = feed.batch(entry("2-0", "a", [full(1100)], true), 1100, 0);
  assert.equal(step.start[0].type, 4);
  assert.equal(step.start[0].data.href, "https://shop.example/x");
});

test("when new events would wait longer than the drift limit, the feed restarts from the snapshot", () => {
  const feed = new LiveFeed(() => ({}), 3000);
  feed.batch(entry("1-0", "a", [meta(1000), full(1000)], true), 1000, 0);
  // 2 s of recorder time after 2 s of local time: on schedule.
  assert.deepEqual(feed.batch(entry("2-0", "a", [move(3000)]), 3000, 2000), [{ add: [move(3000)] }]);
  // The recorder is now 10 s ahead of rrweb's clock (the start estimate was early): restart.
  const steps = feed.batch(entry("3-0", "a", [move(13000)]), 13000, 3000);
  assert.deepEqual(steps[0], { add: [move(13000)] });
  assert.deepEqual(steps[1].start, [meta(1000), full(1000), move(3000), move(13000)]);
  assert.equal(steps[1].baseline, 13000);
  assert.equal(feed.startedAt, 3000);
  // A new snapshot resets what a restart replays.
  feed.batch(entry("4-0", "a", [meta(13100), full(13100)], true), 13100, 3100);
  assert.deepEqual(feed.sinceSnapshot, [meta(13100), full(13100)]);
});
