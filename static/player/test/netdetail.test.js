import assert from "node:assert/strict";
import { test } from "node:test";
import { curlCommand, detailSections } from "../src/netdetail.js";

const row = {
  url: "https://api.example/v1/orders?id=42&q=it's",
  method: "POST",
  status: 500,
  type: "fetch",
  duration: 123,
  size: 2048,
  requestHeaders: { "content-type": "application/json", authorization: "[redacted]" },
  responseHeaders: { "x-request-id": "abc" },
  requestBody: '{"note":"it\'s"}',
  responseBody: null,
};

test("copy as curl keeps the full URL, method, headers and body, shell-quoted", () => {
  assert.equal(
    curlCommand(row),
    "curl 'https://api.example/v1/orders?id=42&q=it'\\''s' -X 'POST' -H 'content-type: application/json' " +
      "-H 'authorization: [redacted]' --data-raw '{\"note\":\"it'\\''s\"}'",
  );
  assert.equal(curlCommand({ url: "https://a.example/", method: "GET" }), "curl 'https://a.example/'");
});

test("detail sections: general facts, headers as recorded, bodies only when recorded", () => {
  const sections = detailSections(row);
  assert.deepEqual(
    sections.map((s) => s.title),
    ["General", "Request headers", "Response headers", "Request body"],
  );
  const general = Object.fromEntries(sections[0].pairs);
  assert.equal(general.URL, row.url);
  assert.equal(general.Status, "500");
  assert.equal(general.Initiator, "fetch");
  assert.deepEqual(sections[1].pairs, [["authorization", "[redacted]"], ["content-type", "application/json"]]);
  const failed = detailSections({ url: "https://x.example/", method: "GET", status: 0, duration: null, size: null });
  assert.equal(Object.fromEntries(failed[0].pairs).Status, "failed (no response)");
  assert.deepEqual(failed[1].pairs, []);
});
