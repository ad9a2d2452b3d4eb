// Browser-side masking: what is masked here never leaves the customer's tab. The server redacts again
// (defence in depth), but the promise to the customer is made here.
import { luhnValid } from "./luhn.js";

// 13-19 digits, optionally grouped by single spaces or dashes (how people type and print card numbers).
const CARD_RE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CRED_RE = /([#&?])sr=[^&#]*/g;

export const CARD_MASK = "[card]";
export const EMAIL_MASK = "[email]";

// Card networks' numbers start with 2-6 (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6).
// Without this, one in ten 13-digit millisecond timestamps (which start with 1) would pass Luhn and be
// masked in console output and ids.
function looksLikeCard(digits) {
  return digits.charCodeAt(0) >= 50 && digits.charCodeAt(0) <= 54 && luhnValid(digits);
}

/** Replace Luhn-valid card numbers and email addresses in free text. */
export function maskSensitive(text) {
  if (typeof text !== "string" || text.length < 6) return text;
  let out = text;
  if (/\d/.test(out)) {
    out = out.replace(CARD_RE, (m) => (looksLikeCard(m.replace(/[ -]/g, "")) ? CARD_MASK : m));
  }
  if (out.includes("@")) out = out.replace(EMAIL_RE, EMAIL_MASK);
  return out;
}

/** Every visible character becomes `*` (whitespace kept so the layout survives in the replay). */
export function maskAll(text) {
  return typeof text === "string" ? text.replace(/\S/g, "*") : text;
}

/**
 * rrweb's maskTextFn. We route *every* text node here (maskTextSelector "*") so that card numbers and
 * emails are caught anywhere; `rr-mask` subtrees and the link's "mask all text" option mask everything.
 */
export function makeTextMasker(maskAllText) {
  return (text, element) => {
    if (maskAllText) return maskAll(text);
    try {
      if (element && element.closest && element.closest(".rr-mask")) return maskAll(text);
    } catch (e) {
      // Detached or exotic nodes: fall through to the pattern masking.
    }
    return maskSensitive(text);
  };
}

/** rrweb's maskInputFn: every input value is masked; the length is capped so it leaks little. */
export function maskInput(value) {
  if (typeof value !== "string" || !value) return "";
  return "*".repeat(Math.min(value.length, 16));
}

/** Remove the recording credential (`sr=`) from a URL's fragment or query, then mask cards and emails. */
export function stripCredential(url) {
  if (typeof url !== "string") return url;
  let out = url.replace(CRED_RE, (m, sep) => (sep === "&" ? "" : sep));
  out = out.replace(/\?&/, "?").replace(/#&/, "#").replace(/[?#]$/, "");
  return out;
}

// Query parameters whose name says they carry a secret (access_token, api_key, session, sig, ...).
const SECRET_PARAM = /(^|[_.-])(token|secret|password|passwd|pwd|auth|session|sessionid|sid|key|apikey|code|signature|sig|jwt|otp)([_.-]|$)/i;
export const PARAM_MASK = "[redacted]";

function redactQuery(url) {
  return url.replace(/([?&])([^=&#]+)=([^&#]*)/g, (m, sep, name, value) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch (e) {
      decoded = name;
    }
    return SECRET_PARAM.test(decoded) && value ? `${sep}${name}=${PARAM_MASK}` : m;
  });
}

/** A URL fit for a recording: no credential, no secret-looking query values, no card or email. */
export function maskUrl(url) {
  if (typeof url !== "string") return url;
  return maskSensitive(redactQuery(stripCredential(url)));
}

/** Mask strings anywhere inside a JSON-like value (console payloads, error details). */
export function maskDeep(value, depth = 0) {
  if (typeof value === "string") return maskSensitive(stripCredential(value));
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

/** Truncate long strings (console arguments, bodies) so one log line cannot flood the session. */
export function truncate(text, limit) {
  if (typeof text !== "string" || text.length <= limit) return text;
  return `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}
