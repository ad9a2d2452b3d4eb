// The privacy contract on one string: find secrets, replace them with typed placeholders. A line-by-line
// twin of the server's sessions/privacy/text.py (read its docstring for the design); the shared vectors in
// tests/vectors/privacy/ hold both to byte-identical output. Change both or neither.
// Runs on every text node: regexes are compiled once, and each rule runs only when a cheap test says it
// can match.
import { CARD_LENGTHS, isCardNumber } from "./luhn.js";

export const CARD = "[card]";
export const EMAIL = "[email]";
export const JWT = "[jwt]";
export const KEY = "[key]";
export const REDACTED = "[redacted]";
const PLACEHOLDERS = [CARD, EMAIL, JWT, KEY, REDACTED];
const MIN_LENGTH = 5;
const MAX_DEPTH = 4;

// --- secret-looking names ---------------------------------------------------------------------------
const SECRET_WORDS_RE =
  /password|passwd|passphrase|passcode|secret|token|authorization|authkey|authcode|oauth|cookie|session|sessid|csrf|xsrf|apikey|accesskey|privatekey|signingkey|credential|jwt|bearer|signature/;
const SECRET_EXACT = new Set(["auth", "key", "code", "pin", "otp", "pwd", "pass", "sid", "sig", "cvv", "cvc", "ssn", "sr"]);

const nameCache = new Map();

export function secretName(name) {
  if (typeof name !== "string" || !name) return false;
  let secret = nameCache.get(name);
  if (secret === undefined) {
    const compact = name.toLowerCase().replace(/[^a-z0-9]+/g, "");
    secret = SECRET_EXACT.has(compact) || SECRET_WORDS_RE.test(compact);
    if (nameCache.size > 4096) nameCache.clear();
    nameCache.set(name, secret);
  }
  return secret;
}

// --- the encoded view -----------------------------------------------------------------------------------
const ESCAPE_RE =
  /%25[0-9A-Fa-f]{2}|%[0-9A-Fa-f]{2}|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});|\\u[0-9A-Fa-f]{4}|\\[\\"/bfnrt]/g;
const ENTITIES = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", commat: "@", period: ".", colon: ":",
  sol: "/", equals: "=", plus: "+", hyphen: "-", dash: "-", num: "#", percnt: "%", lowbar: "_", quest: "?",
  semi: ";", comma: ",",
}; // prettier-ignore
const JSON_ESCAPES = { "\\": "\\", '"': '"', "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

function decode(token) {
  let char;
  if (token[0] === "%") char = String.fromCharCode(parseInt(token.slice(-2), 16));
  else if (token[0] === "&") {
    const body = token.slice(1, -1);
    if (body[0] !== "#") {
      char = ENTITIES[body.toLowerCase()];
      if (char === undefined || !Object.prototype.hasOwnProperty.call(ENTITIES, body.toLowerCase())) return null;
    } else {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (code > 0x10ffff) return null;
      char = String.fromCodePoint(code);
    }
  } else if (token[1] === "u") char = String.fromCharCode(parseInt(token.slice(2), 16));
  else char = JSON_ESCAPES[token[1]];
  return char === " " ? "\u00a0" : char;
}

/** The decoded view of a string and the way back (view index -> original index). */
class View {
  constructor(source) {
    const parts = [];
    this.viewStarts = [];
    this.srcStarts = [];
    this.decoded = [];
    let view = 0;
    let last = 0;
    ESCAPE_RE.lastIndex = 0;
    for (const m of source.matchAll(ESCAPE_RE)) {
      const char = decode(m[0]);
      if (char === null) continue;
      const start = m.index;
      if (start > last) {
        this.add(view, last, 0);
        parts.push(source.slice(last, start));
        view += start - last;
      }
      this.add(view, start, m[0].length);
      parts.push(char);
      view += char.length;
      last = start + m[0].length;
    }
    if (last < source.length || !parts.length) {
      this.add(view, last, 0);
      parts.push(source.slice(last));
    }
    this.text = parts.join("");
  }

  add(view, src, decoded) {
    this.viewStarts.push(view);
    this.srcStarts.push(src);
    this.decoded.push(decoded);
  }

  segment(index) {
    let lo = 0;
    let hi = this.viewStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.viewStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  sourceRange(start, end) {
    const i = this.segment(start);
    const srcStart = this.srcStarts[i] + (this.decoded[i] ? 0 : start - this.viewStarts[i]);
    const j = this.segment(end - 1);
    const srcEnd = this.srcStarts[j] + (this.decoded[j] ? this.decoded[j] : end - 1 - this.viewStarts[j] + 1);
    return [srcStart, srcEnd];
  }
}

// --- the rules (on the view) ---------------------------------------------------------------------------
// Digit groups (3+ digits; a last one may have 2), not glued to letters/digits nor dash-joined to one.
const CARD_RUN_RE =
  /(?<![0-9A-Za-z.])(?<![0-9A-Za-z]-)[0-9]{3,}(?:[ \-+\u00a0][0-9]{3,})*(?:[ \-+\u00a0][0-9]{2})?(?![0-9A-Za-z])(?!\.[0-9])/g;
const CARD_SEP_RE = /[ \-+\u00a0]/;
const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,})(?![A-Za-z0-9-])/g;
const FILE_EXTENSIONS = new Set([
  "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "js", "mjs", "css", "map", "json",
  "woff", "woff2", "ttf", "html", "htm", "txt", "pdf",
]); // prettier-ignore
const USERINFO_RE = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^ \t\r\n\f\v\u00a0/?#@"'<>]+)@/g;
const AUTH_RE =
  /(?<![A-Za-z0-9])((?:[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc])[ \t\r\n\f\v\u00a0+]+)([A-Za-z0-9._~/-][A-Za-z0-9._~+/-]*=*)/g;
const TOKENISH_RE = /[0-9]|[a-z][A-Z]|[._~+/=-]/;
const JWT_RE = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const KEY_RE =
  /(?<![A-Za-z0-9])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{8,}|AIza[0-9A-Za-z_-]{30,}|glpat-[0-9A-Za-z_-]{20,}|sk-(?:proj-)?[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36})/g;
const NAMED_RE = /(?<![A-Za-z0-9_.\-[\]])([A-Za-z_][A-Za-z0-9_.\-[\]]{0,63})["']?[ \t\u00a0]*([:=])[ \t\u00a0+]*/g;
const VALUE_EQ_RE = /[^&#;,"'<>)}\] \t\r\n\f\v]*/y;
const VALUE_COLON_RE = /[^;,"'<>)}\]\r\n]*/y;
// Cheap necessary conditions, so most text nodes skip the rules that cannot match.
const AUTH_HINT = /[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]/;
const KEY_HINT = /[sr]k[_-]|gh[pousr]_|github_pat_|A[KS]IA|xox|AIza|glpat-|npm_/;
// 13 digits with at most one separator between two: what every card run holds.
const CARD_HINT = /[0-9](?:[ \-+\u00a0]?[0-9]){12}/;
// A string with none of these can hold no secret and no encoding: most text nodes stop here.
const ANY_HINT =
  /[0-9@=:%&\\]|eyJ|[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]|[sr]k[_-]|gh[pousr]_|github_pat_|A[KS]IA|xox|AIza|glpat-|npm_/;

function cards(text, out) {
  for (const m of text.matchAll(CARD_RUN_RE)) {
    const run = m[0];
    const groups = run.split(CARD_SEP_RE);
    let digits = 0;
    for (const g of groups) digits += g.length;
    if (digits < 13) continue;
    const offsets = [];
    let pos = 0;
    for (const g of groups) {
      offsets.push(pos);
      pos += g.length + 1;
    }
    let i = 0;
    while (i < groups.length) {
      let found = -1;
      let total = 0;
      const lengths = CARD_LENGTHS.get(groups[i].slice(0, 2));
      if (lengths === undefined) {
        i += 1; // no network starts like this: no card starts at this group
        continue;
      }
      for (let j = i; j < groups.length && total + groups[j].length <= 19; j += 1) {
        // Printed cards group by 3 to 7 digits: "98965873-0775-4337" starts a UUID.
        if (j > i && (groups[i].length > 7 || groups[j].length > 7)) break;
        total += groups[j].length;
        if (lengths.has(total) && isCardNumber(groups.slice(i, j + 1).join(""))) found = j;
      }
      if (found < 0) {
        i += 1;
        continue;
      }
      out.push([m.index + offsets[i], m.index + offsets[found] + groups[found].length, CARD]);
      i = found + 1;
    }
  }
}

function named(text, out) {
  NAMED_RE.lastIndex = 0;
  let m;
  while ((m = NAMED_RE.exec(text)) !== null) {
    const pos = m.index + m[0].length;
    if (!secretName(m[1])) continue;
    let start;
    let end;
    if (pos < text.length && (text[pos] === '"' || text[pos] === "'")) {
      const close = text.indexOf(text[pos], pos + 1);
      start = pos + 1;
      end = close < 0 ? text.length : close;
    } else {
      const valueRe = m[2] === "=" ? VALUE_EQ_RE : VALUE_COLON_RE;
      valueRe.lastIndex = pos;
      start = pos;
      end = pos + valueRe.exec(text)[0].length;
      while (end > start && (text[end - 1] === " " || text[end - 1] === "\t" || text[end - 1] === "\u00a0")) end -= 1;
      if (text[start] === "=") continue;
    }
    // Already masked (by an earlier pass): masking again must change nothing.
    if (PLACEHOLDERS.some((p) => text.startsWith(p, start))) continue;
    if (end > start) {
      out.push([start, end, REDACTED]);
      // The value is consumed: a "name:" inside it is part of the secret, not a new pair.
      NAMED_RE.lastIndex = Math.max(pos, end);
    }
  }
}

/** Secret ranges [start, end, placeholder] in an already decoded text, merged and in order. */
export function findSecrets(text) {
  const found = [];
  if (CARD_HINT.test(text)) cards(text, found);
  if (text.includes("@")) {
    const userinfoAts = new Set();
    for (const m of text.matchAll(USERINFO_RE)) {
      const start = m.index + m[1].length;
      found.push([start, start + m[2].length, REDACTED]);
      userinfoAts.add(start + m[2].length);
    }
    for (const m of text.matchAll(EMAIL_RE)) {
      const at = text.indexOf("@", m.index);
      if (!userinfoAts.has(at) && !FILE_EXTENSIONS.has(m[1].toLowerCase())) {
        found.push([m.index, m.index + m[0].length, EMAIL]);
      }
    }
  }
  if (text.includes("=") || text.includes(":")) named(text, found);
  if (text.includes("eyJ")) for (const m of text.matchAll(JWT_RE)) found.push([m.index, m.index + m[0].length, JWT]);
  if (AUTH_HINT.test(text)) for (const m of text.matchAll(AUTH_RE)) {
    const token = m[2];
    if (token.length >= 8 && TOKENISH_RE.test(token)) {
      const start = m.index + m[1].length;
      found.push([start, start + token.length, REDACTED]);
    }
  }
  if (KEY_HINT.test(text)) for (const m of text.matchAll(KEY_RE)) found.push([m.index, m.index + m[0].length, KEY]);
  if (found.length < 2) return found;
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [found[0]];
  for (let k = 1; k < found.length; k += 1) {
    const [start, end, label] = found[k];
    const last = merged[merged.length - 1];
    if (start < last[1]) {
      if (end > last[1]) merged[merged.length - 1] = [last[0], end, last[2]];
    } else merged.push([start, end, label]);
  }
  return merged;
}

function mergeSource(ranges) {
  const merged = [];
  for (const [start, end, label] of ranges) {
    const last = merged[merged.length - 1];
    if (last && start < last[1]) {
      if (end > last[1]) merged[merged.length - 1] = [last[0], end, last[2]];
    } else merged.push([start, end, label]);
  }
  return merged;
}

function sourceSecrets(source) {
  // Encodings nest (a JSON string logged as JSON): decode level after level, map ranges back through all.
  const views = [];
  let text = source;
  while (views.length < MAX_DEPTH && (text.includes("%") || text.includes("&") || text.includes("\\"))) {
    const view = new View(text);
    if (view.text === text) break;
    views.push(view);
    text = view.text;
  }
  let ranges = findSecrets(text);
  for (let i = views.length - 1; i >= 0; i -= 1) {
    ranges = mergeSource(ranges.map(([start, end, label]) => [...views[i].sourceRange(start, end), label]));
  }
  return ranges;
}

/** `text` with every secret the contract knows replaced by its placeholder, in any encoding. */
export function maskText(text) {
  if (typeof text !== "string" || text.length < MIN_LENGTH || !ANY_HINT.test(text)) return text;
  const ranges = sourceSecrets(text);
  if (!ranges.length) return text;
  let out = "";
  let last = 0;
  for (const [start, end, label] of mergeSource(ranges)) {
    out += text.slice(last, start) + label;
    last = end;
  }
  return out + text.slice(last);
}

/**
 * Mask adjacent pieces of one text (sibling text nodes) as if they were one string: a secret split
 * across pieces is removed from every piece it touches (the first gets the placeholder).
 */
export function maskParts(parts) {
  if (parts.length === 1) return [maskText(parts[0])];
  const joined = parts.join("");
  if (joined.length < MIN_LENGTH) return parts.slice();
  const ranges = mergeSource(sourceSecrets(joined));
  if (!ranges.length) return parts.slice();
  const out = [];
  let offset = 0;
  let r = 0;
  for (const part of parts) {
    const endOfPart = offset + part.length;
    let piece = "";
    let cursor = offset;
    while (r < ranges.length && ranges[r][0] < endOfPart) {
      const [start, end, label] = ranges[r];
      if (end <= offset) {
        r += 1;
        continue;
      }
      if (start >= offset) piece += joined.slice(cursor, start) + label;
      cursor = Math.min(end, endOfPart);
      if (end > endOfPart) break;
      r += 1;
    }
    out.push(piece + joined.slice(cursor, endOfPart));
    offset = endOfPart;
  }
  return out;
}

/** The link option "mask all text": every visible character becomes `*`. */
export function maskAll(text) {
  return typeof text === "string" ? text.replace(/[^ \t\r\n\f\v\u00a0]/g, "*") : text;
}

/** A URL under "mask all text": scheme and host stay, path, query and fragment become `*`. */
export function maskAllUrl(url) {
  if (typeof url !== "string") return url;
  const masked = maskText(url);
  const head = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(masked);
  const cut = head ? head[0].length : 0;
  return masked.slice(0, cut) + masked.slice(cut).replace(/[^/?&=#]/g, "*");
}
