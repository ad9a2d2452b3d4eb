import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../src/loader.js", import.meta.url), "utf8");

// Just enough of a browser for the loader: what it touches is recorded so a test can say it was not.
function page(hash, stored = null, local = null) {
  const appended = [];
  const storage = new Map(stored ? [["sr.cred", stored]] : []);
  const log = () => "native";
  const calls = [];
  const win = {
    sessionStorage: {
      getItem: (k) => (storage.has(k) ? storage.get(k) : null),
      setItem: (k, v) => storage.set(k, v),
    },
    localStorage: local && {
      getItem: (k) => (local.has(k) ? local.get(k) : null),
      setItem: (k, v) => local.set(k, v),
    },
    crypto: globalThis.crypto,
    addEventListener: () => calls.push("addEventListener"),
  };
  win.top = win;
  const context = {
    window: win,
    document: {
      currentScript: { src: "https://support.test/static/recorder/loader.js", getAttribute: () => null },
      createElement: () => ({}),
      head: { appendChild: (el) => appended.push(el) },
    },
    location: { hash, pathname: "/shop", search: "?a=1" },
    history: { state: { s: 1 }, replaceState: (state, _, url) => calls.push(["replaceState", state, url]) },
    console: { log, info: log, warn: log, error: log, debug: log },
  };
  vm.runInNewContext(SOURCE, context);
  return { win, appended, storage, calls, console: context.console, log };
}

test("a credential in the fragment leaves the URL, goes to sessionStorage and loads the recorder", () => {
  const p = page("#tab=2&sr=abc%3Adef");
  assert.deepEqual(p.calls, [["replaceState", { s: 1 }, "/shop?a=1#tab=2"]]);
  assert.equal(p.storage.get("sr.cred"), "abc:def");
  assert.equal(p.appended[0].src, "https://support.test/static/recorder/recorder.js");
  assert.equal(p.win.__sr.cred, "abc:def");
  p.console.info("early", 1);
  // Arrays made inside the vm have another realm's prototype: compare their JSON.
  assert.equal(JSON.stringify(p.win.__sr.q.map(([level, , args]) => [level, args])), '[["info",["early",1]]]');
});

test("the loader hands the recorder this browser's device secret, kept in localStorage across pages", () => {
  const local = new Map();
  const first = page("#sr=abc", null, local);
  assert.match(first.win.__sr.dev, /^[0-9a-f]{32}$/);
  assert.equal(local.get("sr.device"), first.win.__sr.dev);
  const later = page("#sr=other", null, local);
  assert.equal(later.win.__sr.dev, first.win.__sr.dev);
  assert.notEqual(page("#sr=abc", null, new Map()).win.__sr.dev, first.win.__sr.dev);
});

test("a fragment that is only the credential disappears entirely", () => {
  const p = page("#sr=abc");
  assert.deepEqual(p.calls, [["replaceState", { s: 1 }, "/shop?a=1"]]);
});

test("a later page of a consented tab records from sessionStorage alone", () => {
  const p = page("", "stored-cred");
  assert.equal(p.calls.length, 0);
  assert.equal(p.win.__sr.cred, "stored-cred");
  assert.equal(p.appended.length, 1);
});

test("without a credential the loader does nothing at all", () => {
  const p = page("#section-2");
  assert.deepEqual(p.calls, []);
  assert.equal(p.appended.length, 0);
  assert.equal(p.win.__sr, undefined);
  assert.equal(p.console.log, p.log, "console untouched");
});

// A cross-origin frame: no credential of its own; `parents` is the tag's data-sr-parents attribute.
function frame(parents) {
  const appended = [];
  const posted = [];
  const listeners = new Map();
  const parent = { postMessage: (message, origin) => posted.push([JSON.parse(JSON.stringify(message)), origin]) };
  const win = {
    sessionStorage: { getItem: () => null, setItem: () => {} },
    crypto: globalThis.crypto,
    parent,
    top: parent,
    addEventListener: (type, fn) => listeners.set(type, fn),
    removeEventListener: (type) => listeners.delete(type),
  };
  const log = () => "native";
  const context = {
    window: win,
    document: {
      currentScript: {
        src: "https://support.test/static/recorder/loader.js",
        getAttribute: (name) => (name === "data-sr-parents" ? parents : null),
      },
      createElement: () => ({}),
      head: { appendChild: (el) => appended.push(el) },
    },
    location: { hash: "", pathname: "/widget", search: "" },
    history: { replaceState: () => {} },
    console: { log, info: log, warn: log, error: log, debug: log },
  };
  vm.runInNewContext(SOURCE, context);
  const send = (data, origin, source = parent) => listeners.get("message")?.({ data, origin, source });
  return { win, appended, posted, listeners, parent, send, console: context.console, log };
}

test("a frame whose loader names no parent stays dormant: no message, no listener", () => {
  for (const attr of [null, ""]) {
    const f = frame(attr);
    assert.deepEqual(f.posted, []);
    assert.equal(f.listeners.size, 0);
    assert.equal(f.win.__sr, undefined);
  }
});

test("a configured frame says hello to each named parent origin, and only to those", () => {
  const f = frame("https://app.test https://other.test");
  assert.deepEqual(f.posted, [
    [{ sr: "frame", step: "hello" }, "https://app.test"],
    [{ sr: "frame", step: "hello" }, "https://other.test"],
  ]);
  assert.equal(f.appended.length, 0, "nothing loaded before the parent asks it to join");
  assert.equal(f.console.log, f.log, "console untouched in a frame");
  f.send({ sr: "frame", step: "ask" }, "https://app.test");
  assert.equal(f.posted.length, 4, "an ask from a named parent is answered with hello");
});

test("a frame joins only its own parent, from a named origin", () => {
  const f = frame("https://app.test");
  const join = { sr: "frame", step: "join", options: { mask_all_text: true } };
  f.send(join, "https://evil.test"); // a parent origin the tag does not name
  f.send(join, "https://app.test", { postMessage() {} }); // another window (a sibling, an opener)
  f.send({ sr: "frame", step: "ask" }, "https://evil.test");
  assert.equal(f.win.__sr, undefined);
  assert.equal(f.posted.length, 1);
  f.send(join, "https://app.test");
  assert.equal(f.win.__sr.child.origin, "https://app.test");
  assert.equal(f.win.__sr.child.options.mask_all_text, true);
  assert.equal(f.win.__sr.cred, undefined, "a frame never holds a credential");
  assert.equal(f.appended[0].src, "https://support.test/static/recorder/recorder.js");
  assert.equal(f.listeners.size, 0, "the loader stops listening once joined");
});
