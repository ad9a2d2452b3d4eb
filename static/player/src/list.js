// Sessions list: refresh the rows every few seconds without a full reload (live durations, current
// page, counters, sessions that started or ended). Pauses while the tab is hidden.
const EVERY_MS = 4000;

function start() {
  const table = document.querySelector("table.sessions[data-rows-url]");
  if (!table) return;
  const tbody = table.querySelector("[data-rows]");
  const liveNumber = document.querySelector("[data-live-number]");
  const liveCount = document.querySelector("[data-live-count]");
  let last = tbody.innerHTML;

  async function refresh() {
    if (document.hidden) return;
    try {
      const response = await fetch(table.dataset.rowsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || !response.headers.get("content-type")?.includes("json")) return;
      const data = await response.json();
      if (liveNumber) liveNumber.textContent = String(data.live);
      if (liveCount) liveCount.classList.toggle("has-live", data.live > 0);
      if (data.html === last) return;
      const known = new Set([...tbody.querySelectorAll("tr[data-session]")].map((tr) => tr.dataset.session));
      // The HTML is rendered by our own template (every value escaped by Django).
      tbody.innerHTML = data.html;
      last = data.html;
      for (const tr of tbody.querySelectorAll("tr[data-session]")) if (!known.has(tr.dataset.session)) tr.classList.add("flash");
    } catch {
      /* offline for a moment: try again next tick */
    }
  }

  setInterval(refresh, EVERY_MS);
  document.addEventListener("visibilitychange", refresh);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
