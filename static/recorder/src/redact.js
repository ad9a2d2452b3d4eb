// The privacy contract on rrweb events: which strings of which event go through which rule. The twin of
// the server's sessions/privacy/walk.py + __init__.py (read its docstring); the shared vectors in
// tests/vectors/privacy/ hold both to the same output. Mutates the event in place, linear in its size.
import { maskAll, maskAllUrl, maskParts, maskText, REDACTED, secretName } from "./secrets.js";

const DENIED_HEADERS = new Set([
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "proxy-authorization",
  "x-csrf-token",
]);
const DENIED_HEADER_WORDS = ["auth", "token", "secret", "session", "cookie", "csrf", "password", "api-key", "apikey"];
const SKIPPED_ATTRIBUTES = new Set(["style", "_cssText", "rr_dataURL"]);
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "poster", "srcset", "cite", "xlink:href"]);
const TEXT_ATTRIBUTES = new Set(["title", "alt", "placeholder", "value", "label", "content", "aria-label"]);
const URL_KEYS = new Set(["url", "href", "from", "to", "referrer"]);
const REQUEST_URL_KEYS = new Set(["url", "name"]);
const TITLE_KEYS = new Set(["title"]);
const CSS_SOURCES = new Set([8, 13, 15]);
const NO_KEYS = new Set();
const TEXT_NODE = 3;
const ELEMENT_NODE = 2;
// Elements that flow inside a line of text: a secret may be split across them.
const INLINE_TAGS = new Set([
  "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
  "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var",
]); // prettier-ignore
const COMMENT_NODE = 5;
const CDATA_NODE = 4;
const NETWORK_PLUGIN = "rrweb/network@1";

export function headerAllowed(name) {
  if (typeof name !== "string") return false;
  const lowered = name.trim().toLowerCase();
  return !DENIED_HEADERS.has(lowered) && !DENIED_HEADER_WORDS.some((w) => lowered.includes(w));
}

export function filterHeaderNames(headers) {
  if (!headers || typeof headers !== "object" || Array.isArray(headers)) return {};
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (headerAllowed(name)) out[name] = value;
  return out;
}

function maskAttribute(name, value, everything) {
  if (secretName(name)) return value ? REDACTED : value;
  if (everything) {
    if (URL_ATTRIBUTES.has(name)) return maskAllUrl(value);
    if (TEXT_ATTRIBUTES.has(name) || name.startsWith("aria-") || name.startsWith("data-")) return maskAll(value);
  }
  return maskText(value);
}

function maskAttributes(attributes, everything, tag) {
  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    if (typeof value === "string" && value && !SKIPPED_ATTRIBUTES.has(name)) {
      attributes[name] = maskAttribute(name, value, everything);
    }
  }
  // A hidden input's value (often a CSRF or session token) and <meta name="csrf-token" content>.
  const label = attributes.name || attributes.id || attributes.property;
  if (secretName(label)) {
    const field = tag === "meta" ? "content" : "value";
    if (typeof attributes[field] === "string" && attributes[field]) attributes[field] = REDACTED;
  }
}

const isText = (node) => !!node && typeof node === "object" && node.type === TEXT_NODE && !node.isStyle;

function maskTextRun(nodes, everything) {
  if (nodes.length === 1) {
    const node = nodes[0];
    if (typeof node.textContent === "string") {
      const masked = everything ? maskAll(node.textContent) : maskText(node.textContent);
      if (masked !== node.textContent) node.textContent = masked;
    }
    return;
  }
  const texts = nodes.map((n) => (typeof n.textContent === "string" ? n.textContent : ""));
  const masked = everything ? texts.map(maskAll) : maskParts(texts);
  for (let i = 0; i < nodes.length; i += 1) if (masked[i] !== texts[i]) nodes[i].textContent = masked[i];
}

/** The children of an inline element that holds only text nodes (`<b>4111</b>`), else null. */
function inlineTexts(node) {
  if (!node || typeof node !== "object" || node.type !== ELEMENT_NODE || !INLINE_TAGS.has(node.tagName)) return null;
  const children = node.childNodes;
  if (!Array.isArray(children) || !children.every(isText)) return null;
  return children;
}

/**
 * Mask a serialized rrweb node and everything under it. The text of one element is masked as one
 * string: its text children and the text of inline elements among them that hold only text.
 */
export function maskNodeTree(root, everything = false) {
  if (!root || typeof root !== "object") return;
  if (isText(root) || root.type === COMMENT_NODE || root.type === CDATA_NODE) {
    maskTextRun([root], everything);
    return;
  }
  const stack = [root];
  const textsDone = new Set(); // inline elements whose text was masked with their parent's
  while (stack.length) {
    const node = stack.pop();
    if (node.attributes && typeof node.attributes === "object") maskAttributes(node.attributes, everything, node.tagName);
    const children = node.childNodes;
    if (!Array.isArray(children) || textsDone.has(node)) continue;
    let run = [];
    for (const child of children) {
      if (isText(child)) {
        run.push(child);
        continue;
      }
      const inline = inlineTexts(child);
      if (inline !== null) {
        for (const text of inline) run.push(text);
        textsDone.add(child);
        stack.push(child);
        continue;
      }
      if (run.length) {
        maskTextRun(run, everything);
        run = [];
      }
      if (child && typeof child === "object") {
        if (child.type === COMMENT_NODE || child.type === CDATA_NODE) maskTextRun([child], everything);
        else if (Array.isArray(child.childNodes) || (child.attributes && typeof child.attributes === "object")) {
          stack.push(child);
        }
      }
    }
    if (run.length) maskTextRun(run, everything);
  }
}

export function maskMutation(data, everything = false) {
  for (const change of data.texts || []) {
    if (change && typeof change.value === "string") {
      change.value = everything ? maskAll(change.value) : maskText(change.value);
    }
  }
  for (const change of data.attributes || []) {
    if (change && change.attributes && typeof change.attributes === "object") {
      maskAttributes(change.attributes, everything);
    }
  }
  const adds = (data.adds || []).filter((a) => a && typeof a === "object" && a.node && typeof a.node === "object");
  // rrweb sends added nodes flat (each with its parentId and the id of its next sibling): rebuild each
  // parent's runs of new siblings, and mask the text of each run, inline elements included, as one.
  const groups = new Map();
  for (const add of adds) {
    const key = isKey(add.parentId) ? add.parentId : add;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(add);
  }
  const chainsOf = new Map();
  for (const [key, group] of groups) chainsOf.set(key, siblingChains(group));
  const done = new Set();
  const addedInlineTexts = (node) => {
    if (Array.isArray(node.childNodes) && node.childNodes.length) return inlineTexts(node);
    if (node.type !== ELEMENT_NODE || !INLINE_TAGS.has(node.tagName)) return null;
    const chains = isKey(node.id) ? chainsOf.get(node.id) : undefined;
    if (!chains || !chains.length) return [];
    if (chains.length !== 1 || !chains[0].every((a) => isText(a.node))) return null;
    for (const a of chains[0]) done.add(a);
    return chains[0].map((a) => a.node);
  };
  for (const chains of chainsOf.values()) {
    for (const chain of chains) {
      let run = [];
      for (const add of chain) {
        const node = add.node;
        if (isText(node)) {
          run.push(node);
          done.add(add);
          continue;
        }
        const texts = addedInlineTexts(node);
        if (texts !== null) {
          for (const text of texts) run.push(text);
          continue;
        }
        if (run.length) {
          maskTextRun(run, everything);
          run = [];
        }
      }
      if (run.length) maskTextRun(run, everything);
    }
  }
  for (const add of adds) if (!done.has(add)) maskNodeTree(add.node, everything);
}

const isKey = (value) => typeof value === "number" || typeof value === "string";

/** Added siblings of one parent in document order: runs linked by nextId (each other add alone). */
function siblingChains(group) {
  const byId = new Map();
  for (const add of group) if (isKey(add.node.id) && !byId.has(add.node.id)) byId.set(add.node.id, add);
  const hasPrevious = new Set();
  for (const add of group) {
    if (isKey(add.nextId) && byId.has(add.nextId) && byId.get(add.nextId) !== add) hasPrevious.add(add.nextId);
  }
  const chains = [];
  const seen = new Set();
  for (const add of group) {
    if (hasPrevious.has(add.node.id) || seen.has(add)) continue;
    const chain = [];
    let current = add;
    while (current !== undefined && !seen.has(current)) {
      seen.add(current);
      chain.push(current);
      current = isKey(current.nextId) ? byId.get(current.nextId) : undefined;
    }
    chains.push(chain);
  }
  for (const add of group) if (!seen.has(add)) chains.push([add]); // members of a nextId cycle
  return chains;
}

/** Mask every string in a JSON-like value; a string under a secret-looking key is redacted whole. */
export function maskDeep(value, urlKeys = NO_KEYS, everything = false) {
  if (typeof value === "string") return maskText(value);
  if (value === null || typeof value !== "object") return value;
  const stack = [value];
  while (stack.length) {
    const node = stack.pop();
    const keys = Array.isArray(node) ? node.keys() : Object.keys(node);
    for (const key of keys) {
      const item = node[key];
      if (typeof item === "string") {
        let masked;
        if (typeof key === "string" && secretName(key)) masked = item ? REDACTED : item;
        else if (everything && urlKeys.has(key)) masked = maskAllUrl(item);
        else if (everything && TITLE_KEYS.has(key)) masked = maskAll(item);
        else masked = maskText(item);
        if (masked !== item) node[key] = masked;
      } else if (item !== null && typeof item === "object") stack.push(item);
    }
  }
  return value;
}

/** Redact one rrweb event in place (and return it). `everything`: the link option "mask all text". */
export function redactEvent(event, everything = false) {
  if (!event || typeof event !== "object") return event;
  const data = event.data;
  if (!data || typeof data !== "object" || Array.isArray(data)) return event;
  const type = event.type;
  if (type === 2) maskNodeTree(data.node, everything);
  else if (type === 3) {
    if (data.source === 0) maskMutation(data, everything);
    else if (data.source === 5) {
      if (typeof data.text === "string") data.text = maskText(data.text);
    } else if (!CSS_SOURCES.has(data.source)) maskDeep(data);
  } else if (type === 4) {
    if (typeof data.href === "string") data.href = everything ? maskAllUrl(data.href) : maskText(data.href);
  } else if (type === 6 && data.plugin === NETWORK_PLUGIN) {
    const requests = data.payload && typeof data.payload === "object" ? data.payload.requests : undefined;
    if (Array.isArray(requests)) {
      for (const request of requests) {
        if (!request || typeof request !== "object") continue;
        for (const name of ["requestHeaders", "responseHeaders"]) {
          if (name in request) request[name] = filterHeaderNames(request[name]);
        }
        maskDeep(request, REQUEST_URL_KEYS, everything);
      }
    }
    maskDeep(data);
  } else if (type === 5 || type === 6) maskDeep(data, URL_KEYS, everything);
  else maskDeep(data);
  return event;
}
