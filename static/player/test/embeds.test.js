import assert from "node:assert/strict";
import { test } from "node:test";
import { embedLabel } from "../src/embeds.js";

test("an unrecorded embedded page is labelled with its origin only", () => {
  assert.equal(
    embedLabel("https://maps.example.com/embed?key=secret&q=home"),
    "Embedded page from https://maps.example.com — not recorded (another site; it is recorded only when that page also loads SupportReplay, set up to join this site).",
  );
  assert.match(embedLabel("not a url"), /^Embedded page — not recorded/);
});
