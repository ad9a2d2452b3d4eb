// The recorder's half of the privacy contract, held to the shared vectors (tests/vectors/privacy/); the
// server runs the same files in tests/sessions/test_privacy_vectors.py. Kinds x encodings x places,
// positives (nothing of the secret survives, in any encoding) and negatives (left byte for byte).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { maskEvent } from "../src/capture.js";
import { maskParts, maskText } from "../src/secrets.js";

const dir = new URL("../../../tests/vectors/privacy/", import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, dir), "utf8"));
const SECRETS = load("secrets.json");
const NEGATIVES = load("negatives.json");
const PLACES = load("places.json");
const MASK_ALL = load("mask_all.json");

function fill(template, parts) {
  const whole = parts.join("");
  const [first, second] = parts.length === 2 ? parts : [whole, ""];
  const put = (value) => {
    if (typeof value === "string") {
      return value.replaceAll("{{TEXT}}", whole).replaceAll("{{PART1}}", first).replaceAll("{{PART2}}", second);
    }
    if (Array.isArray(value)) return value.map(put);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, put(v)]));
    return value;
  };
  return put(template);
}

function strings(value, out = []) {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

const cases = SECRETS.flatMap((entry) => entry.encodings.map((vector) => ({ entry, vector })));
const partsOf = (vector) => vector.parts || [vector.text];

test("vector files cover every kind, encoding and place", () => {
  const kinds = new Set(SECRETS.map((e) => e.kind.split("/")[0]));
  assert.deepEqual([...kinds].sort(), ["auth", "card", "email", "jwt", "key", "named", "userinfo"]);
  assert.ok(PLACES.length >= 25);
  assert.ok(NEGATIVES.length >= 100);
});

test("text rule masks exactly the secret in every encoding", () => {
  const failures = [];
  for (const { entry, vector } of cases) {
    if (vector.parts) {
      const got = maskParts(vector.parts);
      if (JSON.stringify(got) !== JSON.stringify(vector.masked_parts)) failures.push([entry.kind, vector.encoding, got]);
    } else if (maskText(vector.text) !== vector.masked) {
      failures.push([entry.kind, vector.encoding, vector.text, maskText(vector.text)]);
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
});

test("negatives stay byte for byte in every encoding", () => {
  const changed = NEGATIVES.filter((v) => maskText(v.text) !== v.text).map((v) => [v.encoding, v.text, maskText(v.text)]);
  assert.deepEqual(changed.slice(0, 10), []);
});

for (const place of PLACES) {
  test(`no secret survives in ${place.place}`, () => {
    const failures = [];
    for (const { entry, vector } of cases) {
      if (vector.parts && !place.split) continue;
      const out = maskEvent(fill(place.event, partsOf(vector)), {});
      const stored = strings(out).join("\n");
      for (const forbidden of [...entry.forbidden, ...(vector.also_forbidden || [])]) {
        if (stored.includes(forbidden)) failures.push([entry.kind, vector.encoding, forbidden]);
      }
    }
    assert.deepEqual(failures.slice(0, 10), []);
  });

  test(`negatives are left alone in ${place.place}`, () => {
    const changed = [];
    for (const vector of NEGATIVES) {
      const event = fill(place.event, [vector.text]);
      const before = JSON.stringify(event);
      if (JSON.stringify(maskEvent(event, {})) !== before) changed.push([vector.encoding, vector.text]);
    }
    assert.deepEqual(changed.slice(0, 10), []);
  });
}

test("mask all text masks text, titles and URLs", () => {
  for (const vector of MASK_ALL) {
    assert.deepEqual(maskEvent(structuredClone(vector.event), { mask_all_text: true }), vector.expected);
  }
});

test("masking is idempotent, so the server's pass changes nothing the recorder masked", () => {
  const changed = [];
  for (const { entry, vector } of cases) {
    if (vector.masked !== undefined && maskText(vector.masked) !== vector.masked) changed.push([entry.kind, vector.encoding]);
    if (vector.masked_parts && JSON.stringify(maskParts(vector.masked_parts)) !== JSON.stringify(vector.masked_parts)) {
      changed.push([entry.kind, vector.encoding]);
    }
  }
  assert.deepEqual(changed.slice(0, 5), []);
});
