import assert from "node:assert/strict";
import { test } from "node:test";
import { fetchOrder, nextStep, playerSpan, toDrop, windowAround } from "../src/chunkwindow.js";

test("the window is the playhead's chunk and its neighbours, clipped to the recording", () => {
  assert.deepEqual(windowAround(5, 40), [4, 5, 6]);
  assert.deepEqual(windowAround(0, 40), [0, 1]);
  assert.deepEqual(windowAround(39, 40), [38, 39]);
  assert.deepEqual(windowAround(0, 1), [0]);
  assert.deepEqual(windowAround(10, 40, 2), [8, 9, 10, 11, 12]);
});

test("chunks far from the playhead are dropped, whatever was loaded before", () => {
  assert.deepEqual(toDrop(new Set([0, 1, 2, 3, 20, 21]), 21, 40), [0, 1, 2, 3]);
  assert.deepEqual(toDrop(new Set([20, 21, 22]), 21, 40), []);
  assert.deepEqual(toDrop([], 0, 1), []);
});

test("memory stays flat: after any walk over a long recording at most 2 * radius + 1 chunks stay", () => {
  const count = 2000;
  const loaded = new Set();
  for (const index of [0, 1, 2, 1999, 1000, 1001, 999, 500, 3, 4, 5]) {
    for (const i of fetchOrder(index, count, loaded)) loaded.add(i);
    for (const i of toDrop(loaded, index, count)) loaded.delete(i);
    assert.ok(loaded.size <= 3, `${loaded.size} chunks held at ${index}`);
    assert.ok(loaded.has(index));
  }
});

test("a seek fetches the playhead's chunk first, then the next, then the previous; never twice", () => {
  assert.deepEqual(fetchOrder(5, 40), [5, 6, 4]);
  assert.deepEqual(fetchOrder(5, 40, new Set([5])), [6, 4]);
  assert.deepEqual(fetchOrder(0, 40), [0, 1]);
  assert.deepEqual(fetchOrder(39, 40, new Set([38])), [39]);
  assert.deepEqual(fetchOrder(3, 40, new Set(), 2), [3, 4, 2, 5, 1]);
});

test("the replayer starts at the playhead's chunk and takes the loaded next one", () => {
  assert.equal(playerSpan(5, new Set([4, 6]), 40), null);
  assert.deepEqual(playerSpan(5, new Set([4, 5]), 40), [5, 5]);
  assert.deepEqual(playerSpan(5, new Set([4, 5, 6, 7]), 40), [5, 6]);
  assert.deepEqual(playerSpan(39, new Set([39]), 40), [39, 39]);
});

test("playback keeps, extends or rebuilds the replayer as the playhead moves", () => {
  const loaded = new Set([4, 5, 6]);
  assert.equal(nextStep(5, [5, 6], loaded, 40), "keep");
  assert.equal(nextStep(5, [5, 5], loaded, 40), "extend");
  assert.equal(nextStep(6, [5, 6], loaded, 40), "rebuild"); // chunk 5 is behind: start over at 6
  assert.equal(nextStep(3, [5, 6], loaded, 40), "rebuild");
  assert.equal(nextStep(5, null, loaded, 40), "rebuild");
  assert.equal(nextStep(39, [39, 39], new Set([39]), 40), "keep");
});
