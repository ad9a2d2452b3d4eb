// Entry of the self-contained HTML replay export (sessions/repro/standalone.py): the replay page's player,
// panels and steps, reading the manifest, chunks and steps from inline JSON blocks instead of the network.
import "rrweb/dist/style.css";
import { startNotes } from "./notes.js";
import { startReplay } from "./replay.js";
import { startSteps } from "./steps.js";

function inline(id) {
  const node = document.getElementById(id);
  if (!node) return Promise.reject(new Error("404"));
  return Promise.resolve(JSON.parse(node.textContent));
}

function boot() {
  const config = JSON.parse(document.getElementById("player-config").textContent);
  config.load = (url) => {
    if (url === config.manifest) return inline("sr-manifest");
    if (url === config.steps) return inline("sr-steps");
    if (url === config.notes) return inline("sr-notes");
    if (url.startsWith(config.chunk)) return inline(`sr-chunk-${Number(url.slice(config.chunk.length))}`);
    return Promise.reject(new Error("404"));
  };
  startReplay(config);
  startSteps(config);
  startNotes(config);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
