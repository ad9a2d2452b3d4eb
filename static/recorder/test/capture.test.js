import assert from "node:assert/strict";
import { test } from "node:test";
import { earlyConsoleEvents, errorPayload, maskEvent, recordOptions } from "../src/capture.js";
import { parseUserAgent } from "../src/environment.js";
import { KEYS, openTabState, clearTabState } from "../src/state.js";

test("record options mask every input and route text through the masker", () => {
  const opts = recordOptions({ mask_all_text: false, checkout_ms: 60000 });
  assert.equal(opts.maskAllInputs, true);
  assert.equal(opts.maskInputOptions.password, true);
  assert.equal(opts.maskTextSelector, "*");
  assert.equal(opts.checkoutEveryNms, 60000);
  assert.equal(opts.blockSelector, "sr-banner");
  // Pattern masking happens on the whole event (maskEvent), where split secrets can be joined.
  assert.equal(opts.maskTextFn("mail jane@example.com", null), "mail jane@example.com");
  const snapshot = { type: 3, data: { source: 0, texts: [{ id: 1, value: "mail jane@example.com" }], adds: [] } };
  assert.equal(maskEvent(snapshot, {}).data.texts[0].value, "mail [email]");
  assert.equal(recordOptions({ mask_all_text: true }).maskTextFn("Hi", null), "**");
});

test("meta, custom and plugin events lose credentials, cards and emails", () => {
  assert.equal(maskEvent({ type: 4, data: { href: "https://s.test/#sr=abc" } }).data.href, "https://s.test/");
  const custom = maskEvent({ type: 5, data: { tag: "sr.route", payload: { to: "https://s.test/?e=a@b.io" } } });
  assert.equal(custom.data.payload.to, "https://s.test/?e=[email]");
  const log = maskEvent({ type: 6, data: { plugin: "rrweb/console@1", payload: { payload: ['"4111 1111 1111 1111"'] } } });
  assert.deepEqual(log.data.payload.payload, ['"[card]"']);
  const dom = { type: 3, data: { source: 5, text: "4111111111111111" } };
  assert.equal(maskEvent(dom).data.text, "[card]", "whatever rrweb let through is checked by content");
  const all = maskEvent({ type: 4, data: { href: "https://s.test/orders/12?x=1" } }, { mask_all_text: true });
  assert.equal(all.data.href, "https://s.test/******/**?*=*", "mask all text keeps only the origin of URLs");
});

test("early console calls become console plugin events", () => {
  const events = earlyConsoleEvents([["warn", 5, ["boot", { a: 1 }]]], 99);
  assert.deepEqual(events, [
    { type: 6, timestamp: 99, data: { plugin: "rrweb/console@1", payload: { level: "warn", trace: [], payload: ['"boot"', '{"a":1}'] } } },
  ]);
});

test("errors and rejections carry message and stack", () => {
  const err = new TypeError("boom");
  const e = errorPayload({ type: "error", message: "Uncaught TypeError: boom", filename: "https://s.test/a.js", lineno: 3, colno: 4, error: err });
  assert.equal(e.kind, "error");
  assert.equal(e.line, 3);
  assert.match(e.stack, /TypeError: boom/);
  const r = errorPayload({ type: "unhandledrejection", reason: new Error("nope") });
  assert.equal(r.kind, "unhandledrejection");
  assert.equal(r.message, "Error: nope");
  assert.equal(errorPayload({ type: "unhandledrejection", reason: 42 }).message, "42");
});

test("user agents map to browser and OS", () => {
  const chrome = parseUserAgent(
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  );
  assert.equal(chrome.browser, "Chrome 131");
  assert.equal(chrome.os, "Linux");
  const iphone = parseUserAgent(
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
  );
  assert.equal(iphone.browser, "Safari 17");
  assert.equal(iphone.os, "iOS 17.2");
  assert.equal(iphone.mobile, true);
});

function memoryStore() {
  const data = new Map();
  return { get: (k) => (data.has(k) ? data.get(k) : null), set: (k, v) => data.set(k, v) && true, remove: (k) => data.delete(k), data };
}

test("tab state: same credential keeps tab and seq across pages, a new one starts fresh", () => {
  const store = memoryStore();
  const first = openTabState(store, "cred-one-aaaaaaaaaaaaaaaaaaaaaaaa");
  assert.equal(first.page, 0);
  first.outbox.push([{ type: 2 }]);
  store.set(KEYS.seq, String(first.outbox.nextSeq));
  store.set(KEYS.outbox, first.outbox.serialize());
  const second = openTabState(store, "cred-one-aaaaaaaaaaaaaaaaaaaaaaaa");
  assert.equal(second.tab, first.tab);
  assert.equal(second.page, 1);
  assert.equal(second.outbox.nextSeq, 1);
  assert.equal(second.outbox.pending().length, 1);
  const other = openTabState(store, "cred-two-bbbbbbbbbbbbbbbbbbbbbbbb");
  assert.notEqual(other.tab, first.tab);
  assert.equal(other.page, 0);
  assert.equal(other.outbox.nextSeq, 0);
  clearTabState(store);
  assert.equal(store.data.size, 0);
});

test("console errors are told apart from other console and plugin events", async () => {
  const { isConsoleError } = await import("../src/capture.js");
  const ev = (plugin, level) => ({ type: 6, data: { plugin, payload: { level } } });
  assert.equal(isConsoleError(ev("rrweb/console@1", "error")), true);
  assert.equal(isConsoleError(ev("rrweb/console@1", "warn")), false);
  assert.equal(isConsoleError(ev("rrweb/network@1", "error")), false);
  assert.equal(isConsoleError({ type: 5, data: { tag: "sr.error" } }), false);
  assert.equal(isConsoleError(null), false);
});
