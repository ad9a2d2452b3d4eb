// Browser-side masking: what is masked here never leaves the customer's tab. The server redacts again
// (defence in depth), but the promise to the customer is made here. The rules themselves live in
// secrets.js (strings) and redact.js (events), twins of the server's sessions/privacy/.
import { CARD, EMAIL, maskAll, maskAllUrl, maskText, REDACTED } from "./secrets.js";

export { maskAll, maskAllUrl, maskText };
export const CARD_MASK = CARD;
export const EMAIL_MASK = EMAIL;
export const PARAM_MASK = REDACTED;
const CRED_RE = /([#&?])sr=[^&#]*/g;

/** Mask every secret the contract knows (cards, emails, tokens, keys, named values) in free text. */
export const maskSensitive = maskText;

/**
 * rrweb's maskTextFn. We route *every* text node here (maskTextSelector "*"): `rr-mask` subtrees and the
 * link's "mask all text" option mask everything here. The pattern rules run later, on the whole event
 * (redact.js via capture.js maskEvent), where adjacent text nodes and inline elements are joined: masking
 * each node here first would cut a split secret in two and hide the rest of it from the join.
 */
export function makeTextMasker(maskAllText) {
  return (text, element) => {
    if (maskAllText) return maskAll(text);
    try {
      if (element && element.closest && element.closest(".rr-mask")) return maskAll(text);
    } catch (e) {
      // Detached or exotic nodes: left to the event pass.
    }
    return text;
  };
}

/** rrweb's maskInputFn: every input value is masked; the length is capped so it leaks little. */
export function maskInput(value) {
  if (typeof value !== "string" || !value) return "";
  return "*".repeat(Math.min(value.length, 16));
}

/** Remove the recording credential (`sr=`) from a URL's fragment or query. */
export function stripCredential(url) {
  if (typeof url !== "string") return url;
  let out = url.replace(CRED_RE, (m, sep) => (sep === "&" ? "" : sep));
  out = out.replace(/\?&/, "?").replace(/#&/, "#").replace(/[?#]$/, "");
  return out;
}

/**
 * A URL fit for a recording: no credential, no secret in any encoding (values under secret-looking
 * parameter names, cards, emails, tokens, userinfo). With "mask all text" only the origin stays readable.
 */
export function maskUrl(url, everything = false) {
  if (typeof url !== "string") return url;
  const clean = stripCredential(url);
  return everything ? maskAllUrl(clean) : maskText(clean);
}

/** Truncate long strings (console arguments, bodies) so one log line cannot flood the session. */
export function truncate(text, limit) {
  if (typeof text !== "string" || text.length <= limit) return text;
  return `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}
