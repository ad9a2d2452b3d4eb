// The replay page's "Steps to reproduce": plain-language steps from sessions/repro (server side), each a
// link to its moment (`?t=`) that seeks the running replay in place. Recorded text only ever becomes text.
import { $, h } from "./dom.js";
import { fmtClock } from "./model.js";

const KIND_MARK = { open: "↗", navigate: "→", click: "●", input: "⌨", request: "⚠", error: "✕" };

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

export function stepItem(step, startTs) {
  const offset = Math.max(0, step.ts - startTs);
  const link = h(
    "a",
    { class: `step step-${step.kind}`, dataset: { ts: String(step.ts) } },
    h("span", { class: "step-time" }, fmtClock(offset)),
    h("span", { class: "step-mark" }, KIND_MARK[step.kind] || "·"),
    h("span", { class: "step-text" }, step.action, step.target ? " " : "", step.target ? h("em", {}, step.target) : null, step.detail ? ` ${step.detail}` : ""),
  );
  link.href = `?t=${(offset / 1000).toFixed(1)}`;
  link.addEventListener("click", (event) => {
    const player = window.__srReplay;
    if (!player?.seek || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    player.seek(step.ts + 1);
  });
  return h("li", {}, link);
}

export async function startSteps(config) {
  const root = $("[data-steps]");
  if (!root) return;
  const list = $("[data-step-list]", root);
  let data;
  try {
    data = await (config.load || fetchJson)(config.steps);
  } catch {
    list.replaceChildren(h("li", { class: "rows-empty" }, "The steps could not be loaded."));
    return;
  }
  const steps = data.steps || [];
  $("[data-step-count]", root).textContent = steps.length ? `${steps.length}${data.truncated ? "+" : ""}` : "";
  if (!steps.length) {
    list.replaceChildren(h("li", { class: "rows-empty" }, "No clicks, inputs or failures recorded."));
    return;
  }
  const items = steps.map((step) => stepItem(step, data.start_ts));
  list.replaceChildren(...items);
  root.dataset.ready = "1";
  let current = -1;
  setInterval(() => {
    const now = window.__srReplay?.now;
    if (typeof now !== "number") return;
    let index = -1;
    while (index + 1 < steps.length && steps[index + 1].ts <= now) index += 1;
    if (index === current) return;
    items[current]?.classList.remove("current");
    items[index]?.classList.add("current");
    current = index;
  }, 250);
}
