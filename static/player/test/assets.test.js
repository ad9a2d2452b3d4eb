import assert from "node:assert/strict";
import { test } from "node:test";
import { AssetMap, assetBase } from "../src/assets.js";

const SHA = "a".repeat(64);
const FONT = "b".repeat(64);
const BASE = "https://replay.example/sessions/0b7f3c2e-1111-4222-8333-944455556666/assets/";
const mapping = (url, sha256, extra = {}) => ({ type: 5, timestamp: 1, data: { tag: "sr.asset", payload: { url, sha256, mime: "image/png", ...extra } } });

function map() {
  const m = new AssetMap(BASE);
  assert.equal(m.learn(mapping("https://app.example/img/logo.png", SHA)), true);
  assert.equal(m.learn(mapping("https://app.example/fonts/brand.woff2", FONT)), true);
  return m;
}

test("the asset base comes from the agent page's path only", () => {
  assert.equal(assetBase("/sessions/0b7f3c2e-1111-4222-8333-944455556666/live"), "/sessions/0b7f3c2e-1111-4222-8333-944455556666/assets/");
  assert.equal(assetBase("/export/replay.html"), null);
  const offline = new AssetMap(null);
  offline.learn(mapping("https://app.example/a.png", SHA));
  assert.equal(offline.lookup("https://app.example/a.png"), null);
});

test("refused, malformed or repeated mappings are not learned", () => {
  const m = map();
  assert.equal(m.learn(mapping("https://app.example/img/logo.png", SHA)), false);
  assert.equal(m.learn(mapping("https://app.example/x.png", SHA, { rejected: "type not allowed" })), false);
  assert.equal(m.learn(mapping("https://app.example/y.png", "not-a-hash")), false);
  assert.equal(m.learn({ type: 5, data: { tag: "sr.error", payload: { url: "https://app.example/z.png", sha256: SHA } } }), false);
  assert.equal(m.size, 2);
});

test("img src, srcset, inline style and stylesheet text of a full snapshot are rewritten", () => {
  const m = map();
  const img = { type: 2, tagName: "img", id: 5, childNodes: [], attributes: { src: "https://app.example/img/logo.png", srcset: "https://app.example/img/logo.png 1x, https://app.example/img/logo@2x.png 2x" } };
  const div = { type: 2, tagName: "div", id: 6, childNodes: [], attributes: { style: "background-image: url('https://app.example/img/logo.png'); color: red" } };
  const css = "@font-face { font-family: Brand; src: url(\"https://app.example/fonts/brand.woff2\") format(\"woff2\"); } .x { background: url(https://cdn.example/other.png) }";
  const link = { type: 2, tagName: "link", id: 7, childNodes: [], attributes: { rel: "stylesheet", _cssText: css } };
  const styleText = { type: 3, id: 9, isStyle: true, textContent: ".hero { background-image: url(https://app.example/img/logo.png) }" };
  const style = { type: 2, tagName: "style", id: 8, attributes: {}, childNodes: [styleText] };
  const event = { type: 2, timestamp: 1, data: { node: { type: 0, id: 1, childNodes: [img, div, link, style] } } };
  m.rewrite(event);
  assert.equal(img.attributes.src, BASE + SHA);
  assert.equal(img.attributes.srcset, `${BASE + SHA} 1x, https://app.example/img/logo@2x.png 2x`);
  assert.equal(div.attributes.style, `background-image: url("${BASE + SHA}"); color: red`);
  assert.match(link.attributes._cssText, new RegExp(`src: url\\("${BASE + FONT}"\\) format`));
  assert.match(link.attributes._cssText, /url\(https:\/\/cdn\.example\/other\.png\)/); // not captured: unchanged
  assert.equal(styleText.textContent, `.hero { background-image: url("${BASE + SHA}") }`);
});

test("mutations, style rules and declarations are rewritten; rewriting twice changes nothing", () => {
  const m = map();
  const mutation = {
    type: 3,
    data: {
      source: 0,
      adds: [{ parentId: 1, node: { type: 2, tagName: "img", id: 20, attributes: { src: "https://app.example/img/logo.png" }, childNodes: [] } }],
      attributes: [{ id: 5, attributes: { src: "https://app.example/img/logo.png", style: { "background-image": "url(https://app.example/img/logo.png)" } } }],
      texts: [],
      removes: [],
    },
  };
  m.rewrite(mutation);
  assert.equal(mutation.data.adds[0].node.attributes.src, BASE + SHA);
  assert.equal(mutation.data.attributes[0].attributes.src, BASE + SHA);
  assert.equal(mutation.data.attributes[0].attributes.style["background-image"], `url("${BASE + SHA}")`);
  const rule = { type: 3, data: { source: 8, id: 3, adds: [{ rule: ".a{background:url(https://app.example/img/logo.png)}" }] } };
  m.rewrite(rule);
  assert.equal(rule.data.adds[0].rule, `.a{background:url("${BASE + SHA}")}`);
  const declaration = { type: 3, data: { source: 13, id: 3, index: [0], set: { property: "background-image", value: "url(https://app.example/img/logo.png)" } } };
  m.rewrite(declaration);
  assert.equal(declaration.data.set.value, `url("${BASE + SHA}")`);
  const again = JSON.stringify(rule);
  m.rewrite(rule);
  assert.equal(JSON.stringify(rule), again);
});

test("an empty map leaves events as they are", () => {
  const m = new AssetMap(BASE);
  const event = { type: 2, data: { node: { type: 2, tagName: "img", attributes: { src: "https://app.example/img/logo.png" }, childNodes: [] } } };
  m.rewrite(event);
  assert.equal(event.data.node.attributes.src, "https://app.example/img/logo.png");
});

test("relative URLs of adopted and inserted rules resolve against the recorded page's URL (its Meta)", () => {
  const m = map();
  const adopted = { type: 3, data: { source: 15, id: 9, styleIds: [1], styles: [{ styleId: 1, rules: [{ rule: '#h{background-image:url("/img/logo.png")}' }] }] } };
  m.rewrite(structuredClone(adopted)); // no page known yet: left as it is
  m.rewrite({ type: 4, timestamp: 1, data: { href: "https://app.example/shop/cart", width: 1, height: 1 } });
  m.rewrite(adopted);
  assert.equal(adopted.data.styles[0].rules[0].rule, `#h{background-image:url("${BASE + SHA}")}`);
  const rule = { type: 3, data: { source: 8, id: 3, adds: [{ rule: ".a{background:url(../img/logo.png)}" }] } };
  m.rewrite(rule);
  assert.equal(rule.data.adds[0].rule, `.a{background:url("${BASE + SHA}")}`);
});
