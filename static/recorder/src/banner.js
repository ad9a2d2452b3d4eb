// The customer's banner: always visible while recording, keyboard reachable, and never recorded. It lives
// in a *closed* shadow root, which rrweb cannot see into: the replay holds only an empty host element.
//
// It must stay clickable above the page's top layer too. A modal <dialog> makes everything outside it
// inert (even a popover shown above it), and popovers and dialogs paint over any z-index. So the host
// is a manual popover, re-shown on top whenever the page opens a dialog or popover, and while a modal
// dialog is open it moves inside that dialog (the only part of the page that is not inert).

const CSS = `
:host { all: initial; position: fixed; z-index: 2147483647; right: 16px; bottom: 16px; font: 500 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.bar { display: flex; align-items: center; gap: 12px; padding: 8px 8px 8px 14px; border-radius: 999px;
  background: #111827; color: #f9fafb; box-shadow: 0 8px 24px rgba(0,0,0,.25); max-width: calc(100vw - 32px); }
.dot { width: 10px; height: 10px; border-radius: 50%; background: #ef4444; flex: none;
  box-shadow: 0 0 0 0 rgba(239,68,68,.6); animation: pulse 2s infinite; }
.ended .dot { background: #9ca3af; animation: none; }
.text { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ended { border-radius: 16px; }
.ended .text { white-space: normal; } /* why sharing ended must be readable whole, on a phone too */
button { font: inherit; font-weight: 600; border: 0; border-radius: 999px; padding: 6px 14px; cursor: pointer;
  background: #f9fafb; color: #111827; flex: none; }
button:hover { background: #e5e7eb; }
button:focus-visible { outline: 3px solid #60a5fa; outline-offset: 2px; }
@keyframes pulse { 70% { box-shadow: 0 0 0 8px rgba(239,68,68,0); } 100% { box-shadow: 0 0 0 0 rgba(239,68,68,0); } }
@media (prefers-reduced-motion: reduce) { .dot { animation: none; } }
`;

export function createBanner(doc, { company, onStop }) {
  const host = doc.createElement("sr-banner");
  // rr-ignore/rr-block: belt and braces in case a browser ever exposes the closed root.
  host.className = "rr-block rr-ignore";
  const root = host.attachShadow({ mode: "closed" });
  root.innerHTML = `<style>${CSS}</style>
    <div class="bar" role="region" aria-label="Screen sharing with support">
      <span class="dot" aria-hidden="true"></span>
      <span class="text" role="status" aria-live="polite"></span>
      <button type="button"></button>
    </div>`;
  const bar = root.querySelector(".bar");
  const text = root.querySelector(".text");
  const button = root.querySelector("button");
  let mode = "sharing";
  let name = company || "";

  const render = () => {
    const who = name ? `${name} support` : "support";
    if (mode === "sharing") {
      text.textContent = `Sharing this tab with ${who}`;
      button.textContent = "Stop sharing";
      button.setAttribute("aria-label", `Stop sharing this tab with ${who}`);
    }
  };
  button.addEventListener("click", () => {
    if (mode === "sharing") onStop();
    else {
      stopRaising();
      host.remove();
    }
  });
  render();
  (doc.body || doc.documentElement).appendChild(host);
  const stopRaising = keepOnTop(doc, host);

  return {
    setCompany(value) {
      if (value) name = value;
      render();
    },
    /** Recording is over; say why and offer to dismiss the banner. */
    ended(message) {
      mode = "ended";
      bar.classList.add("ended");
      text.textContent = message;
      button.textContent = "Dismiss";
      button.setAttribute("aria-label", "Dismiss this message");
    },
    remove() {
      stopRaising();
      host.remove();
    },
    host,
  };
}

function isModal(dialog) {
  try {
    return dialog.open && dialog.isConnected && dialog.matches(":modal");
  } catch (e) {
    return false; // a browser without :modal
  }
}

/** Keep `host` above the page's top layer; returns a function that stops doing so. */
export function keepOnTop(doc, host) {
  const canPopover = typeof host.showPopover === "function";
  if (canPopover) host.setAttribute("popover", "manual");
  const modals = []; // modal dialogs in the order they opened; the last open one is on top
  const raise = () => {
    if (!host.isConnected) return;
    while (modals.length && !isModal(modals[modals.length - 1])) modals.pop();
    const parent = modals[modals.length - 1] || doc.body || doc.documentElement;
    if (host.parentNode !== parent) parent.appendChild(host); // moving hides a popover: shown again below
    if (!canPopover) return;
    try {
      if (host.matches(":popover-open")) host.hidePopover();
      host.showPopover();
    } catch (e) {
      // Not in a document that allows popovers: the z-index still applies.
    }
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.target.tagName === "DIALOG" && isModal(record.target)) modals.push(record.target);
    }
    raise();
  });
  observer.observe(doc.documentElement, { subtree: true, attributes: true, attributeFilter: ["open"] });
  const onToggle = (event) => {
    if (event.target !== host && event.newState === "open") raise();
  };
  doc.addEventListener("toggle", onToggle, true);
  raise();
  return () => {
    observer.disconnect();
    doc.removeEventListener("toggle", onToggle, true);
  };
}
