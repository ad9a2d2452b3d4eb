import assert from "node:assert/strict";
import { test } from "node:test";
import { blockedAssetCounter, blockedText } from "../src/blocked.js";

function fakeWindow() {
  const listeners = new Set();
  return {
    addEventListener: (type, fn) => type === "securitypolicyviolation" && listeners.add(fn),
    removeEventListener: (type, fn) => listeners.delete(fn),
    fire: (event) => [...listeners].forEach((fn) => fn(event)),
    listeners,
  };
}

test("counts each blocked URL once, across re-attachments after a rebuild", () => {
  const counts = [];
  const counter = blockedAssetCounter((n) => counts.push(n));
  const win = fakeWindow();
  counter.attach(win);
  win.fire({ blockedURI: "https://evil.example/a.png" });
  win.fire({ blockedURI: "https://evil.example/a.png" });
  win.fire({ blockedURI: "inline" });
  win.listeners.clear(); // document.open() erased the listeners
  counter.attach(win);
  win.fire({ blockedURI: "https://evil.example/b.woff2" });
  assert.deepEqual(counts, [1, 2]);
  assert.equal(counter.count, 2);
  counter.stop();
  assert.equal(win.listeners.size, 0);
});

test("the notice says how many were not loaded, in words", () => {
  assert.match(blockedText(1), /^1 image, style, font or media file of the recorded page/);
  assert.match(blockedText(17), /^17 images, styles, fonts or media files .* not loaded/);
});
