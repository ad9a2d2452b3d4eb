import assert from "node:assert/strict";
import { test } from "node:test";
import { defuseEvent, defuseRel } from "../src/defuse.js";

const link = (rel) => ({ type: 2, tagName: "link", attributes: { rel, href: "https://evil.example" }, childNodes: [], id: 9 });

test("preconnect, dns-prefetch and prerender are dropped from rel; other tokens stay", () => {
  assert.equal(defuseRel("preconnect"), "");
  assert.equal(defuseRel("DNS-Prefetch preconnect"), "");
  assert.equal(defuseRel("stylesheet"), "stylesheet");
  assert.equal(defuseRel("prerender icon"), "icon");
});

test("full snapshots, added nodes and rel changes are defused", () => {
  const head = { type: 2, tagName: "head", attributes: {}, childNodes: [link("preconnect"), link("stylesheet")], id: 3 };
  const snapshot = { type: 2, data: { node: { type: 0, childNodes: [{ type: 2, tagName: "html", attributes: {}, childNodes: [head] }] } } };
  defuseEvent(snapshot);
  assert.deepEqual(head.childNodes.map((n) => n.attributes.rel), ["", "stylesheet"]);

  const mutation = {
    type: 3,
    data: { source: 0, adds: [{ parentId: 3, node: link("dns-prefetch") }], attributes: [{ id: 9, attributes: { rel: "preconnect" } }], removes: [], texts: [] },
  };
  defuseEvent(mutation);
  assert.equal(mutation.data.adds[0].node.attributes.rel, "");
  assert.equal(mutation.data.attributes[0].attributes.rel, "");
});

test("anything else passes through untouched", () => {
  const move = { type: 3, data: { source: 1, positions: [] } };
  assert.equal(defuseEvent(move), move);
  assert.equal(defuseEvent(null), null);
});
