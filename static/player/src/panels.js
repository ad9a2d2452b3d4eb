// Console / network / errors / environment panels, shared by the live view and the replay page.
// Rows come from model.eventRows; in replay mode they follow playback (current row highlighted, later
// rows dimmed) and a click seeks there.
import { $, $$, h } from "./dom.js";
import { currentIndex, fmtBytes, fmtClock, fmtMs } from "./model.js";
import { renderDetail } from "./netdetail.js";
import { PageLog } from "./pagelog.js";
import { bindSideResize } from "./sideresize.js";

const LEVEL_MARK = { error: "✕", warn: "!", info: "i", log: "›", debug: "·" };
const MAX_ROWS = 5000;

function clockTime(ts) {
  const d = new Date(ts);
  return d.toTimeString().slice(0, 8);
}

class List {
  constructor(panels, name) {
    this.panels = panels;
    this.name = name;
    this.ol = $(`[data-rows="${name}"]`, panels.root);
    this.rows = [];
    this.items = [];
    this.current = -1;
    this.emptyText = this.ol.firstElementChild ? this.ol.firstElementChild.textContent : "";
  }

  clear() {
    this.rows = [];
    this.items = [];
    this.current = -1;
    this.ol.replaceChildren(h("li", { class: "rows-empty" }, this.emptyText));
  }

  add(row, li) {
    if (!this.rows.length) this.ol.replaceChildren();
    const follow = this.panels.mode === "live" && this.ol.scrollHeight - this.ol.scrollTop - this.ol.clientHeight < 40;
    if (this.panels.mode === "replay") {
      li.classList.add("seekable");
      li.addEventListener("click", (e) => {
        if (e.target.closest(".stack-toggle, .stack")) return;
        // Just after the row's event, so the page shows what it did.
        this.panels.onSeek(row.ts + 1);
      });
    }
    this.panels.applyFilter(this.name, row, li);
    this.rows.push(row);
    this.items.push(li);
    this.ol.append(li);
    if (this.rows.length > MAX_ROWS) {
      this.rows.shift();
      this.items.shift().remove();
    }
    if (follow) this.ol.scrollTop = this.ol.scrollHeight;
  }

  setTime(ts) {
    const index = currentIndex(this.rows, ts);
    if (index === this.current) return;
    const [lo, hi] = index > this.current ? [this.current + 1, index] : [index + 1, this.current];
    for (let i = Math.max(0, lo); i <= hi && i < this.items.length; i += 1) {
      this.items[i].classList.toggle("future", i > index);
    }
    if (this.current >= 0 && this.items[this.current]) this.items[this.current].classList.remove("current");
    this.current = index;
    const li = this.items[index];
    if (li) {
      li.classList.add("current");
      if (this.panels.visible(this.name)) li.scrollIntoView({ block: "nearest" });
    }
  }

  markAllFuture(ts) {
    this.current = -1;
    this.items.forEach((li, i) => li.classList.toggle("future", this.rows[i].ts > ts));
  }
}

export class Panels {
  constructor(root, { mode, startTs = 0, onSeek = () => {} }) {
    this.root = root;
    this.mode = mode;
    this.startTs = startTs;
    this.onSeek = onSeek;
    this.lists = { console: new List(this, "console"), network: new List(this, "network"), errors: new List(this, "errors") };
    this.level = "all";
    this.netFilter = "all";
    this.text = { console: "", network: "" };
    this.env = { data: null, vitals: new Map(), page: null, viewport: null, pages: new PageLog() };
    this.errorCount = 0;
    this.bindTools();
  }

  visible(name) {
    return $(`[data-panel="${name}"]`, this.root).classList.contains("active");
  }

  bindTools() {
    bindSideResize(this.root, $("[data-side-resize]", this.root));
    for (const tab of $$("[data-tab]", this.root)) {
      tab.addEventListener("click", () => this.show(tab.dataset.tab));
    }
    for (const button of $$("[data-level]", this.root)) {
      button.addEventListener("click", () => {
        this.level = button.dataset.level;
        $$("[data-level]", this.root).forEach((b) => b.classList.toggle("on", b === button));
        this.refilter("console");
      });
    }
    for (const button of $$("[data-net]", this.root)) {
      button.addEventListener("click", () => {
        this.netFilter = button.dataset.net;
        $$("[data-net]", this.root).forEach((b) => b.classList.toggle("on", b === button));
        this.refilter("network");
      });
    }
    for (const input of $$("[data-filter]", this.root)) {
      input.addEventListener("input", () => {
        this.text[input.dataset.filter] = input.value.trim().toLowerCase();
        this.refilter(input.dataset.filter);
      });
    }
  }

  show(name) {
    for (const tab of $$("[data-tab]", this.root)) {
      const on = tab.dataset.tab === name;
      tab.classList.toggle("active", on);
      tab.setAttribute("aria-selected", String(on));
    }
    for (const panel of $$("[data-panel]", this.root)) panel.classList.toggle("active", panel.dataset.panel === name);
  }

  applyFilter(name, row, li) {
    let shown = true;
    if (name === "console") {
      shown = (this.level === "all" || row.level === this.level) && (!this.text.console || row.text.toLowerCase().includes(this.text.console));
    } else if (name === "network") {
      shown = (this.netFilter === "all" || row.failed) && (!this.text.network || row.url.toLowerCase().includes(this.text.network));
    }
    li.classList.toggle("hidden", !shown);
  }

  refilter(name) {
    const list = this.lists[name];
    list.rows.forEach((row, i) => this.applyFilter(name, row, list.items[i]));
  }

  timeLabel(ts) {
    return this.mode === "replay" ? fmtClock(ts - this.startTs) : clockTime(ts);
  }

  clear() {
    Object.values(this.lists).forEach((l) => l.clear());
    this.errorCount = 0;
    this.env = { data: null, vitals: new Map(), page: null, viewport: null, pages: new PageLog() };
    this.updateCounts();
    this.renderEnv();
  }

  add(rows) {
    let envChanged = false;
    for (const row of rows) {
      this.env.pages.add(row);
      if (row.kind === "console") this.lists.console.add(row, this.consoleItem(row));
      else if (row.kind === "network") this.lists.network.add(row, this.networkItem(row));
      else if (row.kind === "error") this.lists.errors.add(row, this.errorItem(row));
      else if (row.kind === "env") {
        this.env.data = row.data;
        envChanged = true;
      } else if (row.kind === "vital") {
        this.env.vitals.set(row.name, row);
        envChanged = true;
      } else if (row.kind === "nav") {
        this.env.page = row.href;
        if (row.width) this.env.viewport = `${row.width}×${row.height}`;
        envChanged = true;
        this.onPage?.(row.href, this.env.viewport);
      } else if (row.kind === "viewport") {
        this.env.viewport = `${row.width}×${row.height}`;
        envChanged = true;
        this.onPage?.(this.env.page, this.env.viewport);
      }
      if (row.kind === "error" || (row.kind === "console" && row.level === "error")) this.errorCount += 1;
    }
    this.updateCounts();
    if (envChanged) this.renderEnv();
  }

  updateCounts() {
    const set = (name, value, alert) => {
      const el = $(`[data-count="${name}"]`, this.root);
      el.textContent = String(value);
      el.classList.toggle("alert", Boolean(alert));
    };
    const failed = this.lists.network.rows.filter((r) => r.failed).length;
    const consoleErrors = this.lists.console.rows.filter((r) => r.level === "error").length;
    set("console", this.lists.console.rows.length, consoleErrors);
    set("network", this.lists.network.rows.length, failed);
    set("errors", this.lists.errors.rows.length, this.lists.errors.rows.length);
  }

  setTime(ts) {
    Object.values(this.lists).forEach((l) => l.setTime(ts));
  }

  markAllFuture(ts) {
    Object.values(this.lists).forEach((l) => l.markAllFuture(ts));
  }

  stackBlock(lines) {
    const pre = h("pre", { class: "stack hidden" }, lines.join("\n"));
    const toggle = h("button", { class: "stack-toggle", type: "button", title: "Show stack trace", "aria-expanded": "false" }, "▸ stack");
    toggle.addEventListener("click", (e) => {
      e.stopPropagation();
      const open = pre.classList.toggle("hidden") === false;
      toggle.textContent = open ? "▾ stack" : "▸ stack";
      toggle.setAttribute("aria-expanded", String(open));
    });
    return [toggle, pre];
  }

  consoleItem(row) {
    const [toggle, pre] = row.trace.length ? this.stackBlock(row.trace) : [null, null];
    return h(
      "li",
      { class: `level-${row.level}`, title: this.mode === "replay" ? "Click to jump here" : null },
      h(
        "div",
        { class: "row-line" },
        h("span", { class: "row-time" }, this.timeLabel(row.ts)),
        h("span", { class: "lvl" }, LEVEL_MARK[row.level] || "›"),
        h("span", { class: "row-msg" }, row.text || "(empty)"),
        toggle,
      ),
      pre,
    );
  }

  networkItem(row) {
    const li = h(
      "li",
      { class: row.failed ? "failed" : "", title: "Show details" },
      h(
        "div",
        { class: "net-line" },
        h("span", { class: "row-time" }, this.timeLabel(row.ts)),
        h("span", { class: "net-method" }, row.method),
        h("span", { class: "net-url" }, row.url),
        h("span", { class: "net-status" }, row.status ? String(row.status) : "failed"),
        h("span", { class: "num" }, fmtMs(row.duration)),
        h("span", { class: "num" }, fmtBytes(row.size)),
      ),
    );
    li.addEventListener("click", () => this.showRequest(row, li));
    return li;
  }

  showRequest(row, li) {
    const pane = $("[data-net-detail]", this.root);
    if (!pane) return;
    for (const other of this.lists.network.items) other.classList.toggle("selected", other === li);
    renderDetail(pane, row, () => {
      pane.hidden = true;
      li.classList.remove("selected");
    });
  }

  errorItem(row) {
    const [toggle, pre] = row.stack ? this.stackBlock(row.stack.split("\n")) : [null, null];
    if (pre) pre.classList.remove("hidden");
    if (toggle) toggle.textContent = "▾ stack";
    return h(
      "li",
      {},
      h(
        "div",
        { class: "err-title" },
        h("span", { class: "row-time" }, this.timeLabel(row.ts)),
        h("span", { class: "err-kind" }, row.errorKind),
        h("span", { class: "row-msg" }, row.message),
        toggle,
      ),
      pre,
    );
  }

  renderEnv() {
    const dl = $("[data-env]", this.root);
    const items = [];
    const pair = (label, value) => {
      if (value === undefined || value === null || value === "") return;
      items.push(h("div", {}, h("dt", {}, label), h("dd", {}, envValue(value))));
    };
    const env = this.env.data || {};
    items.push(h("div", {}, h("h3", {}, "Page")));
    pair("Current URL", this.env.page);
    pair("Viewport", this.env.viewport || env.viewport);
    pair("Page loads", this.env.pages.loads ? String(this.env.pages.loads) : null);
    pair("Route changes", this.env.pages.loads ? String(this.env.pages.routes) : null);
    if (this.env.data) {
      items.push(h("div", {}, h("h3", {}, "Browser")));
      pair("Browser", env.browser);
      pair("OS", env.os);
      pair("Screen", env.screen);
      pair("Pixel ratio", env.dpr);
      pair("Language", env.language || env.languages);
      pair("Time zone", env.timezone || env.timeZone);
      pair("Online", env.online === undefined ? null : env.online ? "yes" : "no");
      pair("Cookies", env.cookieEnabled === undefined ? null : env.cookieEnabled ? "enabled" : "disabled");
      pair("Referrer", env.referrer);
      pair("User agent", env.userAgent);
      const known = new Set(["browser", "os", "screen", "dpr", "language", "languages", "timezone", "timeZone", "online",
        "cookieEnabled", "referrer", "userAgent", "viewport"]);
      known.add("timezoneOffset");
      for (const [key, value] of Object.entries(env)) if (!known.has(key)) pair(humanKey(key), value);
    }
    if (this.env.vitals.size) {
      items.push(h("div", {}, h("h3", {}, "Web vitals")));
      for (const vital of this.env.vitals.values()) {
        const value = vital.name === "CLS" ? Number(vital.value).toFixed(3) : fmtMs(Number(vital.value));
        items.push(
          h("div", {}, h("dt", {}, vital.name), h("dd", { class: `vital-${vital.rating}` }, `${value}${vital.rating ? ` · ${vital.rating}` : ""}`)),
        );
      }
    }
    dl.replaceChildren(...items);
  }
}

/** Environment values as people read them: 1280×720, "en-US, en", else compact JSON. */
export function envValue(value) {
  if (Array.isArray(value)) return value.map(envValue).join(", ");
  if (value && typeof value === "object") {
    if ("width" in value && "height" in value) return `${value.width}×${value.height}`;
    return JSON.stringify(value);
  }
  return String(value);
}

function humanKey(key) {
  if (key === "url") return "Start URL";
  const words = key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
