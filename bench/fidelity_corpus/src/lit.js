import { LitElement, css, html } from "lit";

class SettingsPanel extends LitElement {
  static properties = { heading: {} };
  static styles = css`
    :host { display: block; background: #fff; border: 1px solid #d9dde3; border-radius: 10px; padding: 16px; margin-bottom: 14px; }
    h2 { font-size: 16px; margin: 0 0 8px; color: #0b5cad; }
    label { display: block; margin: 6px 0; }
    select, input[type=number] { font: inherit; padding: 4px 6px; }
  `;
  render() {
    return html`<h2>${this.heading}</h2>
      <label>Frequency <select name="freq"><option>Daily</option><option>Weekly</option><option>Never</option></select></label>
      <label><input type="checkbox" name="email" checked> Email</label>
      <label><input type="radio" name="ch" value="a" checked> Web <input type="radio" name="ch" value="b"> App</label>
      <label>Limit <input type="number" name="limit" value="10"></label>`;
  }
}
customElements.define("settings-panel", SettingsPanel);
