// Notes at a moment on the replay page: every agent's notes on this recording, each a link to its moment
// (`?t=…&note=id`, a deep link other agents can open) that seeks the replay; a form adds one at the current
// time. Note text only ever becomes text (textContent via h()).
import { $, h } from "./dom.js";
import { fmtClock } from "./model.js";

function csrfToken(form) {
  return $("input[name=csrfmiddlewaretoken]", form)?.value || "";
}

function noteItem(note, startTs, highlighted) {
  const offset = Math.max(0, note.ts - startTs);
  const link = h(
    "a",
    { class: "step note", dataset: { note: String(note.id) } },
    h("span", { class: "step-time" }, fmtClock(offset)),
    h("span", { class: "step-text" }, h("em", {}, note.author), " ", note.text),
  );
  link.href = `?t=${(offset / 1000).toFixed(1)}&note=${note.id}`;
  link.addEventListener("click", (event) => {
    const player = window.__srReplay;
    if (!player?.seek || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    player.seek(note.ts);
  });
  const li = h("li", { class: highlighted ? "current" : null }, link);
  return li;
}

export async function startNotes(config) {
  const root = $("[data-notes]");
  if (!root) return;
  const list = $("[data-note-list]", root);
  const form = $("[data-note-form]", root);
  const error = form && $("[data-note-error]", root);
  const at = form && $("[data-note-at]", root);
  const wanted = Number(new URLSearchParams(window.location.search).get("note"));
  let startTs = 0;

  function render(data) {
    startTs = data.start_ts;
    const notes = data.notes || [];
    $("[data-note-count]", root).textContent = notes.length ? String(notes.length) : "";
    if (!notes.length) list.replaceChildren(h("li", { class: "rows-empty" }, "No notes yet."));
    else list.replaceChildren(...notes.map((n) => noteItem(n, startTs, n.id === wanted)));
    root.dataset.ready = "1";
    list.querySelector("li.current")?.scrollIntoView({ block: "nearest" });
  }

  async function request(options = {}) {
    if (!options.method && config.load) return config.load(config.notes); // the HTML export: inline, read-only
    const response = await fetch(config.notes, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
      ...options,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `${response.status}`);
    return data;
  }

  try {
    render(await request());
  } catch {
    list.replaceChildren(h("li", { class: "rows-empty" }, "The notes could not be loaded."));
  }
  if (!form) return;
  setInterval(() => {
    const now = window.__srReplay?.now;
    if (typeof now === "number" && startTs) at.textContent = fmtClock(Math.max(0, now - startTs));
  }, 250);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.elements.text.value;
    const ts = Math.round(window.__srReplay?.now ?? startTs);
    error.textContent = "";
    try {
      render(await request({ method: "POST", body: JSON.stringify({ ts, text }) }));
      form.elements.text.value = "";
    } catch (e) {
      error.textContent = e.message;
    }
  });
}
