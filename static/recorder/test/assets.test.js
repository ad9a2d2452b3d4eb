import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  ALLOWED_TYPES,
  ASSET_MAX_BYTES,
  SESSION_MAX_BYTES,
  SESSION_MAX_COUNT,
  absoluteUrl,
  cssUrls,
  normaliseType,
  rasterSize,
  SVG_MAX_SIDE,
} from "../src/assets.js";

test("the limits are the contract file the server reads too (tests/sessions/test_assets.py)", () => {
  const contract = JSON.parse(readFileSync(new URL("../asset-limits.json", import.meta.url), "utf8"));
  assert.equal(ASSET_MAX_BYTES, contract.asset_max_bytes);
  assert.equal(SESSION_MAX_BYTES, contract.session_max_bytes);
  assert.equal(SESSION_MAX_COUNT, contract.session_max_count);
  assert.deepEqual([...ALLOWED_TYPES].sort(), [...contract.allowed_types].sort());
  assert.deepEqual([ASSET_MAX_BYTES, SESSION_MAX_COUNT, SESSION_MAX_BYTES], [256 * 1024, 200, 8 * 1024 * 1024]);
  assert.ok(![...ALLOWED_TYPES].some((type) => /svg|html|css|script/.test(type)));
});

test("only http(s) URLs are assets, resolved against their base", () => {
  assert.equal(absoluteUrl("img/a.png", "https://app.example/shop/"), "https://app.example/shop/img/a.png");
  assert.equal(absoluteUrl("data:image/png;base64,AAAA", "https://app.example/"), null);
  assert.equal(absoluteUrl("blob:https://app.example/1234", "https://app.example/"), null);
  assert.equal(absoluteUrl("javascript:alert(1)", "https://app.example/"), null);
});

test("every url() of CSS text, quoted or not, relative to the stylesheet", () => {
  const css = `.a{background:url(bg.png)} .b{background-image:url( "/img/b.jpg" )} @font-face{src:url('../f.woff2') format("woff2")} .c{background:url(data:image/gif;base64,R0l)}`;
  assert.deepEqual(cssUrls(css, "https://app.example/css/site.css"), [
    "https://app.example/css/bg.png",
    "https://app.example/img/b.jpg",
    "https://app.example/f.woff2",
  ]);
});

test("content types are compared without parameters or case", () => {
  assert.equal(normaliseType("Image/PNG; charset=binary"), "image/png");
  assert.equal(normaliseType(null), "");
});

test("an SVG is rasterised at its intrinsic size, a huge one scaled down to fit, one without a size not at all", () => {
  assert.deepEqual(rasterSize(24, 16), { width: 24, height: 16 });
  assert.equal(SVG_MAX_SIDE, 2048);
  assert.deepEqual(rasterSize(8192, 1024), { width: 2048, height: 256 });
  assert.equal(rasterSize(0, 150), null);
  assert.equal(rasterSize(Number.NaN, 10), null);
});
