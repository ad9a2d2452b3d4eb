import assert from "node:assert/strict";
import { test } from "node:test";
import { frameMessage } from "../src/framechild.js";
import {
  allowedFrameOrigins,
  createFrameHost,
  FRAME_EVENTS_BURST,
  FRAME_EVENTS_PER_SECOND,
  frameBudget,
  frameEventAllowed,
  frameOptions,
  maskFrameInputs,
} from "../src/framehost.js";

const snapshot = (node) => ({ type: 2, data: { node, initialOffset: { top: 0, left: 0 } }, timestamp: 1 });
const incremental = (data) => ({ type: 3, data, timestamp: 1 });
const mutation = (extra) => incremental({ source: 0, adds: [], removes: [], texts: [], attributes: [], ...extra });

test("a frame may send only events confined to its own frame", () => {
  assert.ok(frameEventAllowed(snapshot({ type: 0, childNodes: [], id: 1 })));
  assert.ok(frameEventAllowed(mutation()));
  for (const source of [1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 14, 15]) assert.ok(frameEventAllowed(incremental({ source })));
  const refused = [
    { type: 4, data: { href: "https://evil.test", width: 1, height: 1 } }, // meta: the recording's URL and size
    { type: 5, data: { tag: "sr.asset", payload: {} } }, // custom: assets, errors, routes, environment
    { type: 6, data: { plugin: "rrweb/console@1", payload: {} } }, // plugin: console and network panels
    { type: 0, data: {} },
    { type: 1, data: {} },
    incremental({ source: 4, width: 10, height: 10 }), // viewport resize
    incremental({ source: 10 }), // font
    incremental({ source: 0, adds: "x" }), // malformed mutation
    snapshot(null),
    null,
    "rrweb",
  ];
  for (const event of refused) assert.equal(frameEventAllowed(event), false, JSON.stringify(event));
});

test("a frame's input values are masked again by the parent, whatever the frame sent", () => {
  const input = (type, value) => ({ type: 2, tagName: "input", attributes: { type, value }, childNodes: [], id: 5 });
  const tree = {
    type: 0,
    id: 1,
    childNodes: [
      input("text", "alice@example.com"),
      input("checkbox", "on"),
      input("submit", "Send"),
      { type: 2, tagName: "textarea", attributes: { value: "secret note" }, childNodes: [], id: 6 },
      { type: 2, tagName: "input", attributes: { value: "no type" }, childNodes: [], id: 7 },
      input("password", "****"),
    ],
  };
  maskFrameInputs(snapshot(tree));
  assert.deepEqual(
    tree.childNodes.map((n) => n.attributes.value),
    ["****************", "on", "Send", "***********", "*******", "****"],
  );
  const typed = maskFrameInputs(incremental({ source: 5, id: 5, text: "hunter2", isChecked: false }));
  assert.equal(typed.data.text, "*******");
  const changed = maskFrameInputs(
    mutation({ adds: [{ parentId: 1, nextId: null, node: input("email", "bob@x.io") }], attributes: [{ id: 5, attributes: { value: "abc" } }] }),
  );
  assert.equal(changed.data.adds[0].node.attributes.value, "********");
  assert.equal(changed.data.attributes[0].attributes.value, "***");
});

test("a framed recorder takes the parent link's masking, canvas and asset rules, nothing else", () => {
  assert.deepEqual(frameOptions({ mask_all_text: true, canvas: false, assets: true, company: "Acme", bodies: true }), {
    mask_all_text: true,
    canvas: false,
    assets: false,
  });
  assert.deepEqual(frameOptions({ assets: true }), { mask_all_text: false, canvas: true, assets: true });
  assert.deepEqual(frameOptions(null), { mask_all_text: false, canvas: true, assets: false });
});

test("a frame may send captured files of its own origin only", () => {
  const asset = (url) => ({ type: 5, data: { tag: "sr.asset", payload: { url, sha256: "a".repeat(64), mime: "image/png" } } });
  assert.ok(frameEventAllowed(asset("https://widget.test/img/logo.png"), "https://widget.test"));
  assert.equal(frameEventAllowed(asset("https://app.test/img/logo.png"), "https://widget.test"), false);
  assert.equal(frameEventAllowed(asset("/img/logo.png"), "https://widget.test"), false);
  assert.equal(frameEventAllowed({ type: 5, data: { tag: "sr.error", payload: { url: "https://widget.test/" } } }, "https://widget.test"), false);
});

test("a framed page's events take the same privacy pass before they leave the frame", () => {
  const card = "4111 1111 1111 1111";
  const event = mutation({ texts: [{ id: 3, value: `Card ${card}` }] });
  const message = frameMessage(event, false, {}, "https://widget.test");
  assert.equal(message.type, "rrweb");
  assert.equal(message.origin, "https://widget.test");
  assert.ok(!JSON.stringify(message).includes(card));
  const all = frameMessage(mutation({ texts: [{ id: 3, value: "Hello there" }] }), true, { mask_all_text: true }, "o");
  assert.ok(!JSON.stringify(all).includes("Hello"));
  assert.equal(all.isCheckout, true);
});

// A page with two cross-origin frames and one same-origin frame, as far as the host looks at it.
function host(extra = {}) {
  const posted = [];
  const win = { location: { origin: "https://app.test" }, frames: [], listeners: new Map() };
  const mk = (name, opts = {}) => {
    const w = { name, postMessage: (message, origin) => posted.push([name, message.step, origin, message]) };
    if (opts.sameOrigin) w.document = {};
    else Object.defineProperty(w, "document", { get: () => { throw new Error("cross-origin"); } });
    return w;
  };
  const widget = mk("widget");
  const ads = mk("ads");
  const own = mk("own", { sameOrigin: true });
  win.frames.push(widget, ads, own);
  const elements = [widget, ads, own].map((w) => ({ contentWindow: w, blocked: w === ads }));
  win.document = { querySelectorAll: () => elements };
  win.addEventListener = (type, fn) => win.listeners.set(type, fn);
  win.removeEventListener = (type) => win.listeners.delete(type);
  const frames = createFrameHost(win, { options: { mask_all_text: false }, isBlocked: (el) => el.blocked, ...extra });
  const hello = (source, origin) => win.listeners.get("message")({ data: { sr: "frame", step: "hello" }, source, origin });
  return { win, frames, posted, widget, ads, own, elements, hello };
}

test("the parent asks every frame, then joins only cross-origin, unblocked, direct frames that said hello", () => {
  const h = host();
  assert.deepEqual(h.posted.map(([name, step, origin]) => [name, step, origin]), [
    ["widget", "ask", "*"],
    ["ads", "ask", "*"],
    ["own", "ask", "*"],
  ]);
  assert.deepEqual(Object.keys(h.posted[0][3]).sort(), ["sr", "step"], "an ask carries nothing");
  h.posted.length = 0;
  h.hello(h.own, "https://app.test"); // same origin: recorded directly by rrweb
  h.hello(h.ads, "https://ads.test"); // rr-block
  h.hello({ postMessage() {} }, "https://evil.test"); // not a frame of this page (an opener, a grandchild)
  h.hello(h.widget, "null"); // a sandboxed frame cannot be answered to its origin alone
  assert.deepEqual(h.posted, []);
  h.hello(h.widget, "https://widget.test");
  assert.deepEqual(h.posted.map(([name, step, origin]) => [name, step, origin]), [["widget", "join", "https://widget.test"]]);
  assert.deepEqual(h.posted[0][3].options, { mask_all_text: false, canvas: true, assets: false });
});

test("the parent merges a frame's events only from a joined frame, from the origin it joined from", () => {
  const h = host();
  h.hello(h.widget, "https://widget.test");
  const [widgetEl, adsEl] = h.elements;
  const msg = (event, origin = "https://widget.test", source = h.widget) => ({ source, origin, data: { type: "rrweb", event, origin } });
  assert.ok(h.frames.accept(widgetEl, msg(mutation())));
  assert.equal(h.frames.accept(widgetEl, msg(mutation(), "https://evil.test")), false, "the frame navigated elsewhere");
  assert.equal(h.frames.accept(adsEl, msg(mutation(), "https://ads.test", h.ads)), false, "never joined");
  assert.equal(h.frames.accept(widgetEl, msg({ type: 5, data: { tag: "sr.route", payload: {} } })), false);
  const typed = msg(incremental({ source: 5, id: 4, text: "plain" }));
  assert.ok(h.frames.accept(widgetEl, typed));
  assert.equal(typed.data.event.data.text, "*****");
});

test("after each of its full snapshots the parent asks joined frames for theirs; stop tells them and forgets them", () => {
  const h = host();
  h.hello(h.widget, "https://widget.test");
  h.posted.length = 0;
  h.frames.afterSnapshot();
  assert.deepEqual(h.posted.map(([name, step, origin]) => [name, step, origin]), [["widget", "snapshot", "https://widget.test"]]);
  h.frames.stop();
  assert.equal(h.win.listeners.size, 0);
  assert.equal(h.posted.at(-1)[1], "stop");
  assert.equal(h.frames.accept(h.elements[0], { source: h.widget, origin: "https://widget.test", data: { event: mutation() } }), false);
});

test("a recorded page that lists frame origins (data-sr-frames) lets only those join", () => {
  const tag = (src, attr) => ({ src, getAttribute: (name) => (name === "data-sr-frames" ? attr : null) });
  const loader = "https://support.test/static/recorder/loader.js";
  const doc = { scripts: [tag("https://cdn.test/app.js", "https://x.test"), tag(loader, "https://widget.test  https://b.test")] };
  assert.deepEqual([...allowedFrameOrigins(doc, loader)], ["https://widget.test", "https://b.test"]);
  assert.equal(allowedFrameOrigins({ scripts: [tag(loader, null)] }, loader), null);
  assert.equal(allowedFrameOrigins({ scripts: [] }, loader), null);

  const h = host({ origins: new Set(["https://b.test"]) });
  h.posted.length = 0;
  h.hello(h.widget, "https://widget.test");
  assert.deepEqual(h.posted, []);
  h.hello(h.widget, "https://b.test");
  assert.equal(h.posted[0][1], "join");
});

test("a frame's events are limited per second; after a flood the frame is asked for a fresh snapshot", () => {
  const budget = frameBudget(10, 20);
  let taken = 0;
  for (let i = 0; i < 50; i += 1) taken += budget.take(1000) ? 1 : 0;
  assert.equal(taken, 20, "the burst");
  assert.equal(budget.take(1050), false, "half a token after 50 ms");
  assert.equal(budget.take(1100), true, "one token after 100 ms");
  assert.equal(FRAME_EVENTS_PER_SECOND, 100);
  assert.equal(FRAME_EVENTS_BURST, 500);

  let clock = 0;
  const h = host({ now: () => clock });
  h.hello(h.widget, "https://widget.test");
  h.posted.length = 0;
  const msg = () => ({ source: h.widget, origin: "https://widget.test", data: { type: "rrweb", event: incremental({ source: 1, positions: [] }) } });
  let accepted = 0;
  for (let i = 0; i < FRAME_EVENTS_BURST + 100; i += 1) accepted += h.frames.accept(h.elements[0], msg()) ? 1 : 0;
  assert.equal(accepted, FRAME_EVENTS_BURST);
  assert.deepEqual(h.posted, []);
  clock = 1000;
  assert.ok(h.frames.accept(h.elements[0], msg()));
  assert.deepEqual(h.posted.map(([name, step]) => [name, step]), [["widget", "snapshot"]]);
});

test("a captured file's bytes leave the frame as they are; its URL takes the privacy pass", () => {
  const data = "QUJDREVGR0g0MTExMTExMTExMTExMTExeyJhbGciOiJIUzI1NiJ9";
  const event = { type: 5, timestamp: 1, data: { tag: "sr.asset", payload: { url: "https://w.test/a.png?token=s3cr3t-value-123456", sha256: "a".repeat(64), mime: "image/png", data } } };
  const message = frameMessage(event, false, {}, "https://w.test");
  assert.equal(message.event.data.payload.data, data);
  assert.ok(!message.event.data.payload.url.includes("s3cr3t-value-123456"));
});
