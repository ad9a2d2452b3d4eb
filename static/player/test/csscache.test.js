import assert from "node:assert/strict";
import { test } from "node:test";
import { BoundedCssCache, pendingStyleUpdates, replayerCache } from "../src/csscache.js";

test("a stored rewrite is returned for the same text", () => {
  const cache = new BoundedCssCache(100);
  cache.set("a:hover{}", "a.\\:hover{}");
  assert.equal(cache.get("a:hover{}"), "a.\\:hover{}");
  assert.equal(cache.get("b{}"), undefined);
});

test("the least recently used entries go first when the characters exceed the bound", () => {
  const cache = new BoundedCssCache(20);
  cache.set("aaaa", "AAAA"); // 8
  cache.set("bbbb", "BBBB"); // 16
  assert.equal(cache.get("aaaa"), "AAAA"); // a is now the most recent
  cache.set("cccc", "CCCC"); // 24 > 20: b goes
  assert.equal(cache.has("bbbb"), false);
  assert.equal(cache.get("aaaa"), "AAAA");
  assert.equal(cache.get("cccc"), "CCCC");
  assert.equal(cache.chars, 16);
});

test("an entry larger than the bound is not kept and evicts nothing", () => {
  const cache = new BoundedCssCache(10);
  cache.set("ab", "AB");
  cache.set("x".repeat(8), "y".repeat(8));
  assert.equal(cache.size, 1);
  assert.equal(cache.chars, 4);
});

test("setting a key again replaces its value and its size", () => {
  const cache = new BoundedCssCache(100);
  cache.set("k", "short");
  cache.set("k", "longer value");
  assert.equal(cache.get("k"), "longer value");
  assert.equal(cache.chars, 1 + "longer value".length);
});

test("the replayer cache has rrweb's shape around the shared cache", () => {
  const shared = new BoundedCssCache();
  const one = replayerCache(shared);
  const two = replayerCache(shared);
  one.stylesWithHoverClass.set("p{}", "p{}/*adapted*/");
  assert.equal(two.stylesWithHoverClass.get("p{}"), "p{}/*adapted*/");
});

test("while deferring, an unknown text is answered unchanged, remembered, and rewritten afterwards", () => {
  const shared = new BoundedCssCache();
  const cache = replayerCache(shared).stylesWithHoverClass;
  shared.set("known:hover{}", "known.\\:hover{}");
  assert.equal(cache.get("a:hover{}"), undefined); // not deferring: rrweb rewrites it itself
  shared.deferring = true;
  assert.equal(cache.get("a:hover{}"), "a:hover{}");
  assert.equal(cache.get("known:hover{}"), "known.\\:hover{}");
  assert.equal(cache.get("b{}"), "b{}");
  const done = shared.rewritePending((text) => (text.includes(":hover") ? text.replace(":hover", ".\\:hover") : text));
  assert.deepEqual([...done], [["a:hover{}", "a.\\:hover{}"]]); // b{} needed no change
  assert.equal(shared.deferring, false);
  assert.equal(cache.get("a:hover{}"), "a.\\:hover{}");
  assert.equal(cache.get("c{}"), undefined);
});

test("only style elements holding one original text node are updated", () => {
  const text = (data) => ({ nodeType: 3, data });
  const style = (...childNodes) => ({ childNodes });
  const rewrites = new Map([["a:hover{}", "A"]]);
  const one = text("a:hover{}");
  const updates = pendingStyleUpdates(
    [style(one), style(text("other{}")), style(text("a:hover"), text("{}")), style({ nodeType: 1, data: "a:hover{}" })],
    rewrites,
  );
  assert.deepEqual(updates, [[one, "A"]]);
  assert.deepEqual(pendingStyleUpdates([style(one)], new Map()), []);
});
