import assert from "node:assert/strict";
import { test } from "node:test";
import { PageLog } from "../src/pagelog.js";

test("hash routes and repeated snapshots are not page loads", () => {
  const log = new PageLog();
  const rows = [
    { kind: "env", ts: 0 },
    { kind: "nav", ts: 0, href: "https://app.example/" },
    ...Array.from({ length: 16 }, (_, i) => ({ kind: "nav", ts: 100 + i, href: `https://app.example/#/item/${i}`, spa: true })),
    { kind: "nav", ts: 500, href: "https://app.example/#/item/15" }, // the Meta of a new full snapshot
    { kind: "env", ts: 900 },
    { kind: "nav", ts: 900, href: "https://app.example/checkout" },
  ];
  for (const row of rows) log.add(row);
  assert.equal(log.loads, 2);
  assert.equal(log.routes, 16);
  assert.equal(log.current, "https://app.example/checkout");
});
