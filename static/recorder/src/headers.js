// Network metadata filtering: headers only from a safe list, credentials never, bodies only when the link
// allows them, and the recorder's own traffic never.
import { maskText, maskUrl, truncate } from "./masking.js";

export const SAFE_HEADERS = new Set([
  "accept",
  "accept-language",
  "age",
  "cache-control",
  "content-encoding",
  "content-language",
  "content-length",
  "content-type",
  "date",
  "etag",
  "expires",
  "last-modified",
  "retry-after",
  "server-timing",
  "traceparent",
  "vary",
  "x-request-id",
  "x-correlation-id",
]);

// Even an allow-listed name is refused when it looks like a secret (defence against a careless edit).
const SECRET_NAME = /auth|token|secret|session|cookie|csrf|password|api-?key/i;
export const BODY_LIMIT = 10000;

export function filterHeaders(headers) {
  if (!headers || typeof headers !== "object") return undefined;
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = String(name).toLowerCase();
    if (SAFE_HEADERS.has(lower) && !SECRET_NAME.test(lower)) out[lower] = maskText(String(value));
  }
  return out;
}

/** True for requests the recorder itself makes (its bundle, the loader, the ingest socket). */
export function makeOwnTrafficTest(supportOrigin) {
  return (url) => {
    try {
      const u = new URL(url);
      if (u.origin !== supportOrigin) return false;
      return u.pathname.startsWith("/static/recorder/") || u.pathname.startsWith("/ws/ingest/");
    } catch (e) {
      return false;
    }
  };
}

/**
 * The network plugin's transformRequestFn: returns a cleaned copy of a request, or undefined to drop it.
 * Adds `url` (the plugin calls it `name`) so every consumer reads one field.
 */
export function sanitizeRequest(request, { bodies, isOwn, maskAllText = false }) {
  if (!request || typeof request.name !== "string") return undefined;
  if (isOwn(request.name)) return undefined;
  const url = maskUrl(request.name, maskAllText);
  const out = {
    url,
    name: url,
    method: request.method || (request.initiatorType === "navigation" ? "GET" : undefined),
    status: request.status,
    initiatorType: request.initiatorType,
    startTime: request.startTime,
    endTime: request.endTime,
    duration: request.duration === undefined ? undefined : Math.round(request.duration),
    requestHeaders: filterHeaders(request.requestHeaders),
    responseHeaders: filterHeaders(request.responseHeaders),
  };
  if (bodies) {
    for (const key of ["requestBody", "responseBody"]) {
      if (typeof request[key] === "string") out[key] = truncate(maskText(request[key]), BODY_LIMIT);
    }
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}
