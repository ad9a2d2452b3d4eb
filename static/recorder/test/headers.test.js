import assert from "node:assert/strict";
import { test } from "node:test";
import { filterHeaders, makeOwnTrafficTest, sanitizeRequest } from "../src/headers.js";

const isOwn = makeOwnTrafficTest("https://support.test");

test("only safe headers survive, secrets never", () => {
  const out = filterHeaders({
    "Content-Type": "application/json",
    Authorization: "Bearer abc",
    Cookie: "a=b",
    "X-Api-Key": "k",
    "X-Request-Id": "r1",
    "X-Session-Token": "t",
    Location: "https://x.test/?token=1",
  });
  assert.deepEqual(out, { "content-type": "application/json", "x-request-id": "r1" });
});

test("the recorder's own traffic is recognised", () => {
  assert.equal(isOwn("https://support.test/static/recorder/recorder.js"), true);
  assert.equal(isOwn("https://support.test/ws/ingest/"), true);
  assert.equal(isOwn("https://support.test/api/orders"), false);
  assert.equal(isOwn("https://shop.test/static/recorder/recorder.js"), false);
  assert.equal(isOwn("not a url"), false);
});

test("requests are cleaned: url without credential, filtered headers, no bodies by default", () => {
  const request = {
    name: "https://shop.test/api/pay?card=4111111111111111#sr=x",
    method: "POST",
    status: 500,
    initiatorType: "fetch",
    startTime: 10,
    endTime: 30,
    duration: 20.4,
    requestHeaders: { authorization: "secret", "content-type": "application/json" },
    responseHeaders: { "set-cookie": "s=1" },
    requestBody: '{"email":"jane@example.com"}',
    responseBody: "oops",
  };
  const out = sanitizeRequest(request, { bodies: false, isOwn });
  assert.equal(out.url, "https://shop.test/api/pay?card=[card]");
  assert.equal(out.status, 500);
  assert.equal(out.method, "POST");
  assert.equal(out.duration, 20);
  assert.deepEqual(out.requestHeaders, { "content-type": "application/json" });
  assert.deepEqual(out.responseHeaders, {});
  assert.equal("requestBody" in out, false);
  const withBodies = sanitizeRequest(request, { bodies: true, isOwn });
  assert.equal(withBodies.requestBody, '{"email":"[email]"}');
  assert.equal(withBodies.responseBody, "oops");
});

test("own requests and nameless entries are dropped", () => {
  assert.equal(sanitizeRequest({ name: "https://support.test/static/recorder/loader.js" }, { isOwn }), undefined);
  assert.equal(sanitizeRequest({}, { isOwn }), undefined);
});
