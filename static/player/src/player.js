// Entry of the agent player bundle: the live view or the replay page, chosen by the page's config
// (a json_script block rendered by sessions/views/live.py or replay.py).
import "rrweb/dist/style.css";
import { startLive } from "./live.js";
import { startReplay } from "./replay.js";
import { startNotes } from "./notes.js";
import { startSteps } from "./steps.js";

function boot() {
  const node = document.getElementById("player-config");
  if (!node) return;
  const config = JSON.parse(node.textContent);
  if (config.mode === "live") startLive(config);
  else if (config.mode === "replay") {
    const ready = startReplay(config);
    // The steps walk the whole recording on the server, and the notes are one more request: ask once
    // the first frame is painted, so neither queues in front of the chunk the frame waits for.
    if (config.steps) ready.finally(() => startSteps(config));
    if (config.notes) ready.finally(() => startNotes(config));
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
