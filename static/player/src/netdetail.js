// The network detail pane: everything recorded about one request, and "Copy as cURL". The content is
// built by pure functions (node-tested); rendering only turns it into text nodes (dom.js `h`).
import { h } from "./dom.js";
import { fmtBytes, fmtMs } from "./model.js";

/** A shell-safe single-quoted word. */
function quote(text) {
  return `'${String(text).replace(/'/g, "'\\''")}'`;
}

/** The request as a curl command line, with the headers and body as recorded (masked ones stay masked). */
export function curlCommand(row) {
  const parts = ["curl", quote(row.url)];
  if (row.method && row.method !== "GET") parts.push("-X", quote(row.method));
  for (const [name, value] of Object.entries(row.requestHeaders || {})) parts.push("-H", quote(`${name}: ${value}`));
  if (typeof row.requestBody === "string" && row.requestBody !== "") parts.push("--data-raw", quote(row.requestBody));
  return parts.join(" ");
}

function headerPairs(headers) {
  return Object.entries(headers || {})
    .map(([name, value]) => [name, String(value)])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Sections of the detail pane: [{title, pairs: [[label, value]]} | {title, text}], empty ones left out. */
export function detailSections(row) {
  const general = [
    ["URL", row.url],
    ["Method", row.method],
    ["Status", row.status ? String(row.status) : "failed (no response)"],
    ["Initiator", row.type || "unknown"],
    ["Duration", row.duration === null || row.duration === undefined ? "unknown" : fmtMs(row.duration)],
    ["Size", row.size === null || row.size === undefined ? "unknown" : fmtBytes(row.size)],
  ];
  const sections = [{ title: "General", pairs: general }];
  const request = headerPairs(row.requestHeaders);
  const response = headerPairs(row.responseHeaders);
  sections.push({ title: "Request headers", pairs: request, empty: "None recorded (only a safe list is kept)." });
  sections.push({ title: "Response headers", pairs: response, empty: "None recorded (only a safe list is kept)." });
  if (typeof row.requestBody === "string") sections.push({ title: "Request body", text: row.requestBody || "(empty)" });
  if (typeof row.responseBody === "string") sections.push({ title: "Response body", text: row.responseBody || "(empty)" });
  return sections;
}

/** Fill `pane` with the detail of `row`; `onClose` hides it. */
export function renderDetail(pane, row, onClose) {
  const copy = h("button", { class: "btn-small", type: "button" }, "Copy as cURL");
  copy.addEventListener("click", async () => {
    const command = curlCommand(row);
    try {
      await navigator.clipboard.writeText(command);
      copy.textContent = "Copied";
    } catch {
      // No clipboard permission (http, iframe): show the command selected for a manual copy.
      const area = h("textarea", { class: "net-curl", "aria-label": "cURL command" }, command);
      pane.append(area);
      area.select();
    }
  });
  const close = h("button", { class: "btn-small", type: "button", "aria-label": "Close request details" }, "✕");
  close.addEventListener("click", onClose);
  const blocks = detailSections(row).map((section) => {
    if (section.text !== undefined) return h("section", {}, h("h4", {}, section.title), h("pre", { class: "net-body" }, section.text));
    const body = section.pairs.length
      ? h("dl", {}, section.pairs.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))))
      : h("p", { class: "muted" }, section.empty || "");
    return h("section", {}, h("h4", {}, section.title), body);
  });
  pane.replaceChildren(h("div", { class: "net-detail-tools" }, copy, close), ...blocks);
  pane.hidden = false;
}
