import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { applyRrwebFixes, applyRrwebTrims, RRWEB_FIXES, RRWEB_TRIMS } from "../../rrweb_fixes.mjs";

const require = createRequire(import.meta.url);
const rrwebDist = () => readFileSync(require.resolve("rrweb").replace(/rrweb\.c?js$/, "rrweb.js"), "utf8");

test("every rrweb fix applies to the installed rrweb exactly once", () => {
  const fixed = applyRrwebFixes(rrwebDist());
  for (const fix of RRWEB_FIXES) assert.ok(fixed.includes(fix.replace), fix.why);
});

test("a fix that no longer matches stops the build with the fix's name", () => {
  assert.throws(() => applyRrwebFixes("nothing of rrweb here"), /checkbox\/radio checked state.*matched 0 times/);
});

test("a fix that would match twice stops the build too", () => {
  const twice = `${RRWEB_FIXES[0].find}\n${RRWEB_FIXES[0].find}`;
  assert.throws(() => applyRrwebFixes(twice), /matched 2 times/);
});

test("the checkbox fix records an unticked box without its markup's checked attribute", () => {
  // Run the patched branch on its own, as rrweb-snapshot's serializer would.
  const body = applyRrwebFixes(RRWEB_FIXES[0].find.replace(/^else /, "if (false) {} else "), [RRWEB_FIXES[0]]);
  const run = new Function("n", "checked", "attributes", `${body}; return attributes;`);
  assert.deepEqual(run({ type: "checkbox" }, false, { type: "checkbox", checked: "" }), { type: "checkbox" });
  assert.deepEqual(run({ type: "radio" }, true, { type: "radio" }), { type: "radio", checked: true });
  assert.deepEqual(run({ type: "text" }, false, { type: "text", checked: "" }), { type: "text", checked: "" });
});

test("every size trim applies to the installed rrweb as often as it expects", () => {
  const trimmed = applyRrwebTrims(rrwebDist());
  for (const trim of RRWEB_TRIMS) assert.equal((trimmed.match(trim.pattern) || []).length, 0, trim.why);
  assert.ok(trimmed.includes("(...a) => import_postcss"));
});

test("a size trim that no longer matches stops the build with the trim's name", () => {
  assert.throws(() => applyRrwebTrims("nothing of rrweb here"), /no-op PostCSS default reads.*matched 0 times instead of at least 1/);
  const onlyReads = "import_postcss.default;\n";
  assert.throws(() => applyRrwebTrims(onlyReads), /CJS wrapper calls marked pure.*matched 0 times instead of 2/);
});
