// One tab id per tab. sessionStorage is copied into a tab opened with window.open (opener kept), so two
// tabs could start with the same tab id and their seqs would collide (the server stores a seq once).
// Each page asks on a BroadcastChannel whether a live page already uses its tab id; the first page
// answers and the newcomer takes a new id.

const CHANNEL = "supportreplay.tabs";

/**
 * Start answering for `getTab()` and ask once whether another page holds `tab`. Resolves to
 * `{ conflict, close }` after `waitMs` (or at once without BroadcastChannel).
 */
export function claimTab(win, tab, getTab, waitMs = 120) {
  const BC = win.BroadcastChannel;
  if (!BC) return Promise.resolve({ conflict: false, close: () => {} });
  const channel = new BC(CHANNEL);
  const nonce = Math.random().toString(36).slice(2);
  let conflict = false;
  channel.onmessage = (event) => {
    const msg = event.data || {};
    if (msg.ask && msg.nonce !== nonce && msg.ask === getTab()) channel.postMessage({ taken: msg.ask, to: msg.nonce });
    if (msg.taken === tab && msg.to === nonce) conflict = true;
  };
  channel.postMessage({ ask: tab, nonce });
  return new Promise((resolve) => {
    win.setTimeout(() => resolve({ conflict, close: () => channel.close() }), waitMs);
  });
}
