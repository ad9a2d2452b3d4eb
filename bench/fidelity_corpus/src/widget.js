// A partner's widget (Preact + htm) framed from another origin: renders, then loads its offers a moment
// later (a change after the first snapshot), like a third-party embed would.
import htm from "htm";
import { h, render } from "preact";
import { useEffect, useState } from "preact/hooks";

const html = htm.bind(h);
const OFFERS = [
  ["Carbon-neutral shipping", "+ €1.20", "#0f766e"],
  ["Insurance up to €500", "+ €3.90", "#1d4ed8"],
  ["Extended returns (60 days)", "free", "#7c3aed"],
];

function Widget() {
  const [offers, setOffers] = useState(null);
  useEffect(() => {
    const timer = setTimeout(() => setOffers(OFFERS), 400);
    return () => clearTimeout(timer);
  }, []);
  return html`<h2 style="margin:0 0 8px;font-size:17px">Add-ons from Partner Co.</h2>
    ${offers
      ? html`<ul style="list-style:none;margin:0;padding:0">
          ${offers.map(
            ([name, price, colour]) => html`<li style="display:flex;justify-content:space-between;padding:6px 8px;
              margin:4px 0;border-left:4px solid ${colour};background:#f3f4f6">${name}<b>${price}</b></li>`,
          )}
        </ul>`
      : html`<p>Loading offers…</p>`}
    <p style="font-size:12px;color:#57606a;margin:8px 0 0">Offered by Partner Co. · terms apply</p>`;
}

render(html`<${Widget} />`, document.getElementById("widget"));
