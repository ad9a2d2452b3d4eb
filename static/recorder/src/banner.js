// The customer's banner: always visible while recording, keyboard reachable, and never recorded. It lives
// in a *closed* shadow root, which rrweb cannot see into: the replay holds only an empty host element.

const CSS = `
:host { all: initial; position: fixed; z-index: 2147483647; right: 16px; bottom: 16px; font: 500 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.bar { display: flex; align-items: center; gap: 12px; padding: 8px 8px 8px 14px; border-radius: 999px;
  background: #111827; color: #f9fafb; box-shadow: 0 8px 24px rgba(0,0,0,.25); max-width: calc(100vw - 32px); }
.dot { width: 10px; height: 10px; border-radius: 50%; background: #ef4444; flex: none;
  box-shadow: 0 0 0 0 rgba(239,68,68,.6); animation: pulse 2s infinite; }
.ended .dot { background: #9ca3af; animation: none; }
.text { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
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
    else host.remove();
  });
  render();
  (doc.body || doc.documentElement).appendChild(host);

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
      host.remove();
    },
    host,
  };
}
