// Link hints the agent pages' CSP cannot stop. Chromium applies no CSP directive to
// <link rel=preconnect> and rel=dns-prefetch (nor to the legacy rel=prerender), so a recorded page's
// hints would open a connection to the recorded site from the agent's browser when the replay rebuilds
// them. Every event is defused before rrweb sees it: those rel tokens are dropped from serialized <link>
// nodes (full snapshots, added nodes) and from rel attribute changes. Other links stay, held by the CSP.

const UNCOVERED = new Set(["preconnect", "dns-prefetch", "prerender"]);

export function defuseRel(value) {
  return String(value)
    .split(/\s+/)
    .filter((token) => token && !UNCOVERED.has(token.toLowerCase()))
    .join(" ");
}

function defuseTree(root) {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== "object") continue;
    const attrs = node.attributes;
    if (node.type === 2 && attrs && typeof attrs.rel === "string" && String(node.tagName).toLowerCase() === "link") {
      attrs.rel = defuseRel(attrs.rel);
    }
    if (Array.isArray(node.childNodes)) for (const child of node.childNodes) stack.push(child);
  }
}

/** The event with its link hints defused (in place: the events are ours, decoded for this page). */
export function defuseEvent(event) {
  const data = event && event.data;
  if (!data || typeof data !== "object") return event;
  if (event.type === 2) defuseTree(data.node);
  else if (event.type === 3 && data.source === 0) {
    for (const add of data.adds || []) if (add) defuseTree(add.node);
    for (const change of data.attributes || []) {
      if (change && change.attributes && typeof change.attributes.rel === "string") {
        change.attributes.rel = defuseRel(change.attributes.rel);
      }
    }
  }
  return event;
}
