import assert from "node:assert/strict";
import { test } from "node:test";
import { isMaskedValue, maskTreatment } from "../src/formstate.js";

test("only a run of asterisks is a masked value", () => {
  assert.equal(isMaskedValue("****"), true);
  assert.equal(isMaskedValue("*"), true);
  assert.equal(isMaskedValue(""), false);
  assert.equal(isMaskedValue("a*b"), false);
  assert.equal(isMaskedValue("50"), false);
  assert.equal(isMaskedValue(null), false);
});

test("masked selects get a masked option, typed non-text inputs a hatch, text boxes nothing", () => {
  assert.equal(maskTreatment("SELECT", "select-one", true), "option");
  for (const type of ["range", "number", "date", "time", "color", "datetime-local", "month", "week"]) {
    assert.equal(maskTreatment("INPUT", type, true), "hatch", type);
  }
  assert.equal(maskTreatment("INPUT", "RANGE", true), "hatch");
  for (const type of ["text", "email", "password", "search", "tel", "url", ""]) {
    assert.equal(maskTreatment("INPUT", type, true), null, type);
  }
  assert.equal(maskTreatment("TEXTAREA", "", true), null);
  assert.equal(maskTreatment("SELECT", "select-one", false), null);
  assert.equal(maskTreatment("INPUT", "range", false), null);
});
