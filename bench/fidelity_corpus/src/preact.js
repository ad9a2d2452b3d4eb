import htm from "htm";
import { h, render } from "preact";
import { useEffect, useState } from "preact/hooks";

const html = htm.bind(h);
const ROWS = Array.from({ length: 300 }, (_, i) => ({ id: 1000 + i, customer: `Customer ${i}`, total: ((i * 37) % 500) + 0.99, status: ["paid", "open", "refunded"][i % 3] }));

function App() {
  const [route, setRoute] = useState(location.hash || "#/all");
  useEffect(() => {
    const on = () => setRoute(location.hash || "#/all");
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  const status = route.replace("#/", "");
  const rows = ROWS.filter((r) => status === "all" || r.status === status).slice(0, 60);
  return html`<div class="card">
      <nav><a href="#/all">All</a> · <a href="#/paid">Paid</a> · <a href="#/open">Open</a></nav>
      <label>Assignee <select id="assignee"><option value="">Nobody</option><option value="ana">Ana</option><option value="bo">Bo</option></select></label>
      <label>Priority <input type="range" id="prio" min="1" max="5" value="2" /></label>
      <label><input type="radio" name="view" value="list" checked /> List <input type="radio" name="view" value="grid" /> Grid</label>
      <label>Note <input id="note" placeholder="Internal note" /></label>
    </div>
    <div class="card"><table><thead><tr><th>#</th><th>Customer</th><th>Total</th><th>Status</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.id}><td>${r.id}</td><td>${r.customer}</td><td>${r.total.toFixed(2)}</td><td>${r.status}</td></tr>`)}</tbody></table></div>`;
}
render(html`<${App} />`, document.getElementById("app"));
