import assert from "node:assert/strict";
import { test } from "node:test";
import { luhnValid } from "../src/luhn.js";
import {
  makeTextMasker,
  maskAll,
  maskInput,
  maskSensitive,
  maskUrl,
  stripCredential,
  truncate,
} from "../src/masking.js";

test("luhn accepts real test card numbers and rejects near misses", () => {
  assert.equal(luhnValid("4111111111111111"), true);
  assert.equal(luhnValid("5555555555554444"), true);
  assert.equal(luhnValid("378282246310005"), true);
  assert.equal(luhnValid("4111111111111112"), false);
  assert.equal(luhnValid("411111111111"), false, "too short");
  assert.equal(luhnValid("41111111111111111111"), false, "too long");
  assert.equal(luhnValid("4111-1111-1111-1111"), false, "digits only");
});

test("card numbers are masked however they are grouped, other numbers stay", () => {
  assert.equal(maskSensitive("card 4111 1111 1111 1111 ok"), "card [card] ok");
  assert.equal(maskSensitive("4111-1111-1111-1111"), "[card]");
  assert.equal(maskSensitive("x4111111111111111y"), "x4111111111111111y", "glued to letters: a hash, not a card");
  assert.equal(maskSensitive("order 4111 1111 1111 1112"), "order 4111 1111 1111 1112");
  assert.equal(maskSensitive("ts 1700000000000 id 12345"), "ts 1700000000000 id 12345");
  assert.equal(luhnValid("1795387126745"), true, "a Luhn-valid timestamp...");
  assert.equal(maskSensitive("t=1795387126745"), "t=1795387126745", "...is not a card number");
  assert.equal(maskSensitive("order 1000000000009"), "order 1000000000009", "Luhn-valid, but no network's");
  assert.equal(maskSensitive("amex 3782 822463 10005"), "amex [card]");
});

test("email addresses are masked in text", () => {
  assert.equal(maskSensitive("Receipt to jane.doe+shop@example.co.uk."), "Receipt to [email].");
  assert.equal(maskSensitive("a@b"), "a@b");
  assert.equal(maskSensitive("@handle and 10@20"), "@handle and 10@20");
});

test("text masker masks everything when asked or under rr-mask, else leaves patterns to the event pass", () => {
  const plain = makeTextMasker(false);
  const all = makeTextMasker(true);
  const masked = { closest: (sel) => (sel === ".rr-mask" ? {} : null) };
  const open = { closest: () => null };
  assert.equal(plain("Hello jane@example.com", open), "Hello jane@example.com", "patterns: on the whole event");
  assert.equal(plain("Hello Jane", masked), "***** ****");
  assert.equal(all("Hello Jane", open), "***** ****");
  assert.equal(maskAll(" a b "), " * * ");
});

test("inputs are masked with a capped number of stars", () => {
  assert.equal(maskInput("hunter2"), "*******");
  assert.equal(maskInput("x".repeat(100)), "*".repeat(16));
  assert.equal(maskInput(""), "");
});

test("the recording credential is removed from fragment and query", () => {
  assert.equal(stripCredential("https://a.test/p#sr=abc.def:ghi"), "https://a.test/p");
  assert.equal(stripCredential("https://a.test/p#tab=2&sr=abc"), "https://a.test/p#tab=2");
  assert.equal(stripCredential("https://a.test/p#sr=abc&tab=2"), "https://a.test/p#tab=2");
  assert.equal(stripCredential("https://a.test/p?sr=abc&q=1"), "https://a.test/p?q=1");
  assert.equal(stripCredential("https://a.test/p?usr=1"), "https://a.test/p?usr=1");
  assert.equal(maskUrl("https://a.test/u?email=jane@example.com#sr=x"), "https://a.test/u?email=[email]");
});

test("query values that look like secrets are redacted in URLs", () => {
  assert.equal(
    maskUrl("https://a.test/cb?access_token=abc&page=2&api_key=k&monkey=1&sig=x#frag"),
    "https://a.test/cb?access_token=[redacted]&page=2&api_key=[redacted]&monkey=1&sig=[redacted]#frag",
  );
  assert.equal(maskUrl("https://a.test/?session=&q=shoes"), "https://a.test/?session=&q=shoes");
});

test("the credential in a stack trace is redacted with the rest of the contract", () => {
  assert.equal(maskSensitive("at http://shop.test/demo/#sr=secret:10:5"), "at http://shop.test/demo/#sr=[redacted]");
});

test("truncate marks how much was cut", () => {
  assert.equal(truncate("abcdef", 3), "abc… [3 more characters]");
  assert.equal(truncate("abc", 3), "abc");
});
