// Open popovers in the replay. The recorder marks an open popover with `data-sr-popover-open`
// (static/recorder/src/popovers.js); rrweb replays that attribute but not the open state itself, so the
// popover would stay hidden. A MutationObserver on the replay document shows and hides popovers as the
// attribute comes and goes (full snapshots, mutations, seeks) in the replay's own top layer.
export const OPEN_ATTR = "data-sr-popover-open";

function apply(el) {
  if (!el || el.nodeType !== 1 || !el.hasAttribute("popover")) return;
  let open = false;
  try {
    open = el.matches(":popover-open");
  } catch {
    return; // no popover support in this browser
  }
  const want = el.hasAttribute(OPEN_ATTR) && el.isConnected;
  try {
    if (want && !open) el.showPopover();
    else if (!want && open) el.hidePopover();
  } catch {
    // Not shown (e.g. detached): the next change tries again.
  }
}

function scan(root) {
  if (root && root.querySelectorAll) for (const el of root.querySelectorAll("[popover]")) apply(el);
}

export function topLayerPlugin() {
  const observed = new WeakSet();
  const watch = (replayer) => {
    const doc = replayer.iframe && replayer.iframe.contentDocument;
    if (!doc) return;
    scan(doc);
    if (observed.has(doc)) return;
    observed.add(doc);
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "attributes") apply(record.target);
        else for (const node of record.addedNodes) if (node.nodeType === 1) (apply(node), scan(node));
      }
    }).observe(doc, { subtree: true, childList: true, attributes: true, attributeFilter: [OPEN_ATTR, "popover"] });
  };
  let attached = null;
  return {
    attach(replayer) {
      if (attached === replayer) return;
      attached = replayer;
      replayer.on("fullsnapshot-rebuilded", () => watch(replayer));
      replayer.on("flush", () => watch(replayer));
      watch(replayer);
    },
  };
}
