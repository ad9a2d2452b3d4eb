// What survives a page navigation in this tab (sessionStorage): the credential, tab id, page counter, next
// seq and the unacked outbox. Everything is scoped to one credential: a new consent starts fresh.
import { Outbox } from "./batching.js";

export const KEYS = {
  cred: "sr.cred",
  state: "sr.state",
  seq: "sr.seq",
  outbox: "sr.outbox",
  options: "sr.opts",
};

/** sessionStorage that never throws (disabled storage, quota, sandboxed frames). */
export function safeStorage(win) {
  let s = null;
  try {
    s = win.sessionStorage;
  } catch (e) {
    s = null;
  }
  return {
    get(key) {
      try {
        return s ? s.getItem(key) : null;
      } catch (e) {
        return null;
      }
    },
    set(key, value) {
      try {
        if (s) s.setItem(key, value);
        return true;
      } catch (e) {
        return false;
      }
    },
    remove(key) {
      try {
        if (s) s.removeItem(key);
      } catch (e) {
        // Nothing to clean then.
      }
    },
  };
}

export function randomId(cryptoObj) {
  const bytes = new Uint8Array(12);
  if (cryptoObj && cryptoObj.getRandomValues) cryptoObj.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// The signature part identifies a credential without keeping a second full copy around.
function fingerprint(cred) {
  return String(cred).slice(-20);
}

/** Load (or start) this tab's state for `cred`; bumps the page counter. */
export function openTabState(store, cred, cryptoObj) {
  let state = null;
  try {
    state = JSON.parse(store.get(KEYS.state) || "null");
  } catch (e) {
    state = null;
  }
  const fresh = !state || state.for !== fingerprint(cred) || typeof state.tab !== "string";
  if (fresh) {
    for (const key of [KEYS.seq, KEYS.outbox, KEYS.options]) store.remove(key);
    state = { for: fingerprint(cred), tab: randomId(cryptoObj), page: -1 };
  }
  state.page += 1;
  store.set(KEYS.state, JSON.stringify(state));
  const outbox = Outbox.restore(store.get(KEYS.outbox));
  const seq = parseInt(store.get(KEYS.seq) || "0", 10);
  if (Number.isInteger(seq) && seq > outbox.nextSeq) outbox.nextSeq = seq;
  let options = null;
  try {
    options = JSON.parse(store.get(KEYS.options) || "null");
  } catch (e) {
    options = null;
  }
  return { tab: state.tab, page: state.page, outbox, options };
}

export function clearTabState(store) {
  for (const key of Object.values(KEYS)) store.remove(key);
}

/** This tab's state was copied from another live tab: same credential, new tab id, no inherited batches. */
export function forkTabState(store, cred, cryptoObj) {
  for (const key of [KEYS.seq, KEYS.outbox]) store.remove(key);
  const state = { for: fingerprint(cred), tab: randomId(cryptoObj), page: 0 };
  store.set(KEYS.state, JSON.stringify(state));
  return { tab: state.tab, page: state.page, outbox: Outbox.restore(null) };
}
