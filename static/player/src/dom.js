// Tiny DOM builder. Recorded data only ever becomes text (textContent) or a known-safe attribute value:
// nothing from a recording is parsed as HTML in the agent's page.

const SAFE_ATTRS = new Set(["class", "title", "role", "tabindex", "aria-label", "aria-expanded", "type", "style"]);

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (SAFE_ATTRS.has(name)) {
      el.setAttribute(name, String(value));
    } else {
      throw new Error(`attribute not allowed: ${name}`);
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}
