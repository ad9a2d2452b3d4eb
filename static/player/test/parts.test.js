import assert from "node:assert/strict";
import { test } from "node:test";
import { PartJoiner } from "../src/parts.js";

const bytes = (...values) => new Uint8Array(values);

test("parts in order join into the whole frame", () => {
  const joiner = new PartJoiner();
  assert.equal(joiner.add({ t: "part", i: 0, n: 3, data: bytes(1, 2) }), null);
  assert.equal(joiner.add({ t: "part", i: 1, n: 3, data: bytes(3) }), null);
  assert.deepEqual(joiner.add({ t: "part", i: 2, n: 3, data: bytes(4, 5) }), bytes(1, 2, 3, 4, 5));
  assert.deepEqual(joiner.add({ t: "part", i: 0, n: 1, data: bytes(9) }), bytes(9));
});

test("a gap or a stray part drops the half-joined frame instead of joining garbage", () => {
  const joiner = new PartJoiner();
  joiner.add({ t: "part", i: 0, n: 3, data: bytes(1) });
  assert.equal(joiner.add({ t: "part", i: 2, n: 3, data: bytes(3) }), null);
  assert.equal(joiner.add({ t: "part", i: 1, n: 3, data: bytes(2) }), null);
  // A new frame starts cleanly after that.
  joiner.add({ t: "part", i: 0, n: 2, data: bytes(7) });
  assert.deepEqual(joiner.add({ t: "part", i: 1, n: 2, data: bytes(8) }), bytes(7, 8));
  assert.equal(joiner.add({ t: "part", i: 0, n: 0, data: bytes(1) }), null);
  assert.equal(joiner.add({ t: "part", i: 0, n: 2, data: "not bytes" }), null);
});
