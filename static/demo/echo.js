// The hostile echo page (supportreplay/demo_echo.py): every sent value goes everywhere an app can put it.
(function () {
  "use strict";
  const KEY = "demo.echo";
  let answered = 0;
  const $ = (sel) => document.querySelector(sel);
  const form = (v) => encodeURIComponent(v).replace(/%20/g, "+");
  const entities = (v) => v.replace(/[^A-Za-z0-9]/g, (c) => `&#${c.charCodeAt(0)};`);

  function load() {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || "[]");
    } catch (e) {
      return [];
    }
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function row(v) {
    const li = el("li", { "data-echo": v, title: v, "aria-label": `Echo of ${v}` });
    li.appendChild(el("p", { class: "echo-text" }, v));
    const split = el("p", { class: "echo-split" });
    const cut = Math.floor(v.length / 2);
    split.append(document.createTextNode(v.slice(0, cut)), document.createTextNode(v.slice(cut)));
    li.appendChild(split);
    // Syntax-highlighted code: the value cut across two inline elements.
    const code = el("pre", { class: "echo-code" });
    code.append(el("span", { class: "tok-key" }, `-H 'Authorization: ${v.slice(0, cut)}`), el("span", { class: "tok-str" }, `${v.slice(cut)}'`));
    li.appendChild(code);
    li.appendChild(el("p", { class: "echo-url" }, `${location.origin}/search?q=${encodeURIComponent(v)}`));
    li.appendChild(el("pre", { class: "echo-curl" },
      `curl -H 'Authorization: ${v}' -H 'X-Api-Key: ${v}' 'https://api.example.net/v1/search?q=${form(v)}' -d 'q=${form(v)}'`));
    li.appendChild(el("pre", { class: "echo-json" }, `${JSON.stringify({ q: v })} ${JSON.stringify(JSON.stringify({ q: v }))}`));
    li.appendChild(el("pre", { class: "echo-html" }, entities(v)));
    li.appendChild(el("a", { href: `?q=${encodeURIComponent(v)}`, title: v }, "Permalink"));
    li.appendChild(el("img", { alt: v, src: `/demo/api/echo?img=${encodeURIComponent(v)}`, width: "1", height: "1" }));
    li.appendChild(el("input", { type: "hidden", name: "echo", value: v }));
    li.appendChild(el("input", { type: "text", placeholder: v, "aria-label": v, readonly: "" }));
    return li;
  }

  function render() {
    const rows = load();
    const list = $("#rows");
    list.textContent = "";
    for (const v of rows) list.appendChild(row(v));
    $("#sent-count").textContent = String(rows.length);
  }

  async function send(v) {
    history.pushState(null, "", `?q=${encodeURIComponent(v)}#last=${encodeURIComponent(v)}`);
    document.title = `Results for ${v}`;
    console.info("echo", v);
    console.log(JSON.stringify({ value: v, savedAt: 1795383655820 }));
    try {
      const response = await fetch(`/demo/api/echo?q=${encodeURIComponent(v)}`, {
        method: "POST",
        headers: { "X-Request-Id": v, Accept: v, "Content-Type": "application/x-www-form-urlencoded" },
        body: `q=${form(v)}`,
      });
      console.log("answer", await response.text(), response.headers.get("X-Request-Id"));
    } catch (e) {
      console.warn("echo request failed", String(e));
    }
    setTimeout(() => {
      answered += 1;
      $("#answered").textContent = String(answered);
      throw new Error(`Lookup failed for ${v}`);
    }, 0);
  }

  $("#echo-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = $("#value").value;
    if (!v) return;
    const rows = load();
    rows.push(v);
    sessionStorage.setItem(KEY, JSON.stringify(rows));
    render();
    send(v);
    $("#value").value = "";
  });

  render();
  console.log("saved at", 1795383655820, "order", 1000000000009);
})();
