import assert from "node:assert/strict";
import { test } from "node:test";
import { firstContentTs, pageAt, replayOffset, sizeAt } from "../src/playhead.js";

const el = (tagName, childNodes = [], attributes = {}) => ({ type: 2, tagName, attributes, childNodes });
const txt = (textContent) => ({ type: 3, textContent });
const doc = (...body) => ({ type: 0, childNodes: [el("html", [el("head", [el("title", [txt("App")])]), el("body", body)])] });
const meta = (ts, width, height, href = "https://app.example/") => ({ type: 4, timestamp: ts, data: { href, width, height } });
const full = (ts, node) => ({ type: 2, timestamp: ts, data: { node } });
const resize = (ts, width, height) => ({ type: 3, timestamp: ts, data: { source: 4, width, height } });
const adds = (ts, node) => ({ type: 3, timestamp: ts, data: { source: 0, adds: [{ parentId: 1, node }], removes: [], texts: [], attributes: [] } });

test("header shows the page and size at the playhead, not the last ones", () => {
  const rows = [
    { kind: "nav", ts: 0, href: "https://app.example/", width: 1280, height: 800 },
    { kind: "viewport", ts: 2000, width: 390, height: 844 },
    { kind: "nav", ts: 3000, href: "https://app.example/#/orders", spa: true },
    { kind: "nav", ts: 5000, href: "https://app.example/checkout", width: 390, height: 844 },
  ];
  assert.deepEqual(pageAt(rows, 1000), { href: "https://app.example/", viewport: "1280×800" });
  assert.deepEqual(pageAt(rows, 2500), { href: "https://app.example/", viewport: "390×844" });
  assert.deepEqual(pageAt(rows, 3000), { href: "https://app.example/#/orders", viewport: "390×844" });
  assert.deepEqual(pageAt(rows, 9000), { href: "https://app.example/checkout", viewport: "390×844" });
  assert.deepEqual(pageAt(rows, -1), { href: "", viewport: "" });
});

test("replayed size follows metas and resizes up to the moment", () => {
  const events = [meta(0, 1280, 800), full(0, doc()), resize(2000, 390, 844), meta(5000, 1024, 700)];
  assert.deepEqual(sizeAt(events, 100), { width: 1280, height: 800 });
  assert.deepEqual(sizeAt(events, 2000), { width: 390, height: 844 });
  assert.deepEqual(sizeAt(events, 6000), { width: 1024, height: 700 });
  assert.equal(sizeAt(events, -5), null);
});

test("first content: a snapshot with text, or the first mutation that renders the app", () => {
  assert.equal(firstContentTs([meta(0, 1, 1), full(10, doc(el("h1", [txt("Hi")])))]), 10);
  const spa = [meta(0, 1, 1), full(10, doc(el("div", [], { id: "root" }))), adds(400, el("div", [el("p", [txt("  ")])])), adds(900, el("main", [txt("Orders")]))];
  assert.equal(firstContentTs(spa), 900);
  assert.equal(firstContentTs([full(5, doc(el("div", [el("img", [], { src: "x.png" })])))]), 5);
  assert.equal(firstContentTs([full(5, doc(el("div", [], { style: "background-image: url(a.png)" })))]), 5);
  // Text in the head (title) or scripts does not count.
  assert.equal(firstContentTs([full(5, doc(el("script", [txt("var a = 1")])))]), null);
  assert.equal(firstContentTs([]), null);
});

test("at the end of a recording the seek offset includes the last event (rrweb applies events before it)", () => {
  assert.equal(replayOffset(1500, 1000, 9000), 500);
  assert.equal(replayOffset(9000, 1000, 9000), 8001);
  assert.equal(replayOffset(500, 1000, 9000), 0);
});
