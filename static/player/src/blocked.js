// Says so when the agent pages' CSP (sessions/csp.py) kept the replay from fetching a recorded page's
// images, styles, fonts or media from the recorded site or anywhere else. The rebuilt page lives in
// rrweb's same-origin iframe, which inherits the policy; its violations fire at the iframe's window.
// rrweb rebuilds a full snapshot with document.open(), which erases the window's listeners: `attach`
// again after every rebuild (the violation events are queued tasks, so they arrive after it).

const NOTE_CLASS = "blocked-note";

/** Counts distinct blocked URLs, `onChange(count)` after each new one. `attach(win)` (again) to listen. */
export function blockedAssetCounter(onChange) {
  const seen = new Set();
  let current = null;
  const onViolation = (event) => {
    const key = event.blockedURI || event.violatedDirective;
    if (!key || key === "inline" || key === "eval" || seen.has(key)) return;
    seen.add(key);
    onChange(seen.size);
  };
  return {
    attach(win) {
      if (!win) return;
      if (current && current !== win) current.removeEventListener("securitypolicyviolation", onViolation);
      current = win;
      win.addEventListener("securitypolicyviolation", onViolation);
    },
    stop() {
      if (current) current.removeEventListener("securitypolicyviolation", onViolation);
      current = null;
    },
    get count() {
      return seen.size;
    },
  };
}

export function blockedText(count) {
  const what = count === 1 ? "1 image, style, font or media file" : `${count} images, styles, fonts or media files`;
  return `${what} of the recorded page came from another site and were not loaded, so that site cannot see this replay. Parts of the page may look incomplete.`;
}

/** A small notice under the stage (outside it: the stage is emptied for each new replayer). */
export function showBlockedNote(stage, count) {
  const host = stage.parentElement || stage;
  let note = host.querySelector(`:scope > .${NOTE_CLASS}`);
  if (!note) {
    note = stage.ownerDocument.createElement("p");
    note.className = NOTE_CLASS;
    note.setAttribute("role", "status");
    note.dataset.blockedAssets = "0";
    host.appendChild(note);
  }
  note.dataset.blockedAssets = String(count);
  note.textContent = blockedText(count);
}
