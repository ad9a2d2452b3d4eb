// The replay page: manifest first, then the chunk for the requested time, then its neighbours; chunks far
// from the playhead are dropped (chunkwindow.js), so memory stays flat with the session's length.
// Custom controls over rrweb's Replayer; panels follow playback and seek on click.
import { $ } from "./dom.js";
import { fetchOrder, nextStep, playerSpan, toDrop, windowAround } from "./chunkwindow.js";
import { chunkIndexFor, eventRows, fmtClock, markersFromEvents, parseStartParam } from "./model.js";
import { Panels } from "./panels.js";
import { firstContentTs, pageAt, replayOffset } from "./playhead.js";
import { createReplayer, deferStyleRewrites, rewriteDeferredStyles } from "./stage.js";

const STEP_MS = 5000;
const BIG_STEP_MS = 30000;

// When each response's body arrived and was parsed, by URL (ms from navigation start): the first frame's
// breakdown (window.__srReplay.firstFrame, read by bench/spa_replay.py).
const arrivals = new Map();

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${response.status}`);
  const text = await response.text();
  const body = performance.now();
  const value = JSON.parse(text);
  arrivals.set(url, { body, parsed: performance.now() });
  return value;
}

export async function startReplay(config) {
  const started = performance.now();
  const load = config.load || fetchJson; // the standalone HTML export reads inline data instead
  const ui = {
    stage: $("[data-stage]"),
    overlay: $("[data-overlay]"),
    overlayText: $("[data-overlay-text]"),
    play: $("[data-play]"),
    time: $("[data-time]"),
    duration: $("[data-duration]"),
    timeline: $("[data-timeline]"),
    played: $("[data-played]"),
    playhead: $("[data-playhead]"),
    markers: $("[data-markers]"),
    hoverTime: $("[data-hover-time]"),
    speed: $("[data-speed]"),
    skip: $("[data-skip]"),
    pageUrl: $("[data-page-url]"),
    viewport: $("[data-viewport]"),
  };
  const overlay = (text, busy = true) => {
    ui.overlay.classList.toggle("hidden", !text);
    ui.overlay.classList.toggle("idle", !busy);
    if (text) ui.overlayText.textContent = text;
  };

  // Opened without ?t=, the first frame is in chunk 0 whatever the manifest says: ask for it alongside
  // the manifest instead of after it (one round trip less before the first frame).
  const t = parseStartParam(window.location.search);
  let early = t === null && config.state !== "live" ? load(`${config.chunk}0`).catch(() => null) : null;
  let manifest;
  try {
    manifest = await load(config.manifest);
  } catch (error) {
    if (config.state === "live") overlay("This session is still live: watch it live; its replay is ready when it ends.", false);
    else if (error.message === "404") overlay("This recording is not available (it may have been purged).", false);
    else overlay("Could not load the recording. Reload to try again.", false);
    return;
  }
  const chunks = manifest.chunks || [];
  const startTs = manifest.start_ts;
  const endTs = Math.max(manifest.end_ts, startTs + 1);
  const duration = endTs - startTs;
  const loaded = new Map(); // chunk index -> events, only inside the window around `focus`
  const pending = new Map();
  const rowsByChunk = new Map(); // panel rows of every chunk seen: small, kept when its events are dropped
  let focus = -1; // the chunk the window is centred on
  const panels = new Panels($("[data-panels]"), { mode: "replay", startTs, onSeek: (ts) => seek(ts) });
  // The header shows the page and viewport at the playhead (render), not the last ones the panels saw.
  const player = { replayer: null, base: 0, first: -1, last: -1, playing: false, now: startTs, speed: 1, pageRows: [] };
  window.__srReplay = player; // read by tests and handy in the console
  player.seek = (ts) => seek(ts); // used by the steps list and notes (steps.js)
  ui.duration.textContent = fmtClock(duration);

  const loadedSet = () => new Set(loaded.keys());
  player.chunksHeld = () => [...loaded.keys()].sort((a, b) => a - b); // read by tests and the benchmark

  function loadChunk(index) {
    if (loaded.has(index)) return Promise.resolve(loaded.get(index));
    if (!pending.has(index)) {
      const url = `${config.chunk}${chunks[index].index ?? index}`;
      const early0 = index === 0 && (chunks[0].index ?? 0) === 0 ? early : null;
      early = null;
      const request = (early0 ? early0.then((events) => events ?? load(url)) : load(url)).then(
        (events) => {
          const list = Array.isArray(events) ? events : [];
          pending.delete(index);
          if (!rowsByChunk.has(index)) {
            rowsByChunk.set(index, list.flatMap(eventRows));
            refreshPanels();
          }
          if (windowAround(focus, chunks.length).includes(index)) loaded.set(index, list);
          return list;
        },
        (error) => {
          pending.delete(index);
          throw error;
        },
      );
      pending.set(index, request);
    }
    return pending.get(index);
  }

  // Centre the window on `index`: drop far chunks, fetch the missing neighbours in the background.
  function slide(index) {
    focus = index;
    for (const i of toDrop(loaded.keys(), index, chunks.length)) loaded.delete(i);
    prefetch(index);
    extend();
  }

  // The neighbours one at a time, and only while the window stays on `index`: a seek elsewhere must not
  // share the server with two neighbour chunks of the place it left.
  function prefetch(index) {
    if (focus !== index) return;
    const have = new Set([...loaded.keys(), ...pending.keys()]);
    const next = fetchOrder(index, chunks.length, have)[0];
    if (next === undefined) return;
    loadChunk(next).then(
      () => {
        extend();
        prefetch(index);
      },
      () => {},
    );
  }

  // Append the next chunk to a replayer that is playing towards it (no rebuild, no pause).
  function extend() {
    if (!player.replayer) return;
    const index = chunkIndexFor(chunks, player.now);
    if (nextStep(index, [player.first, player.last], loadedSet(), chunks.length) !== "extend") return;
    player.last += 1;
    for (const event of loaded.get(player.last)) player.replayer.addEvent(event);
  }

  function refreshPanels() {
    panels.clear();
    const rows = [...rowsByChunk.values()].flat().sort((a, b) => a.ts - b.ts);
    if (manifest.environment && Object.keys(manifest.environment).length && !rows.some((r) => r.kind === "env")) {
      rows.unshift({ kind: "env", ts: startTs, data: manifest.environment });
    }
    panels.add(rows);
    player.pageRows = rows.filter((r) => r.kind === "nav" || r.kind === "viewport");
    panels.markAllFuture(player.now);
    panels.setTime(player.now);
  }

  function build(index) {
    const [first, last] = playerSpan(index, loadedSet(), chunks.length);
    const events = [];
    for (let i = first; i <= last; i += 1) events.push(...loaded.get(i));
    if (player.replayer) player.replayer.destroy();
    player.replayer = createReplayer(ui.stage, events, {
      speed: player.speed,
      skipInactive: ui.skip.checked,
      liveMode: false,
    });
    player.replayer.on("finish", () => {
      // The end of the held chunks, not of the recording: go on with the next chunk.
      if (player.playing && player.last + 1 < chunks.length) seek(chunks[player.last + 1].start_ts, { play: true });
      else setPlaying(false, true);
    });
    player.base = events[0].timestamp;
    player.first = first;
    player.last = last;
  }

  async function seek(ts, { play } = {}) {
    const target = Math.min(Math.max(ts, startTs), endTs);
    const index = chunkIndexFor(chunks, target);
    if (index < 0) return;
    focus = index;
    const span = player.replayer ? [player.first, player.last] : null;
    const t0 = performance.now();
    const timing = { fetch: 0, build: 0, seek: 0 }; // where a seek's time goes (bench/spa_replay.py)
    if (nextStep(index, span, loadedSet(), chunks.length) === "rebuild") {
      // At most one chunk is fetched before the frame is painted: the one at the target time.
      if (!loaded.has(index)) overlay("Loading…");
      await loadChunk(index);
      if (focus !== index) return; // a newer seek took over meanwhile
      timing.fetch = performance.now() - t0;
      build(index);
      timing.build = performance.now() - t0 - timing.fetch;
    }
    overlay(null);
    const offset = replayOffset(target, player.base, endTs);
    const shouldPlay = play ?? player.playing;
    const t1 = performance.now();
    if (shouldPlay) player.replayer.play(offset);
    else player.replayer.pause(offset);
    timing.seek = performance.now() - t1;
    player.lastSeek = timing;
    player.playing = shouldPlay;
    player.now = target;
    render(true);
    if (!shouldPlay) remember();
    slide(index);
  }

  function setPlaying(on, finished = false) {
    if (on === player.playing) return;
    if (on) {
      const atEnd = player.now >= endTs - 50;
      seek(atEnd ? startTs : player.now, { play: true });
    } else {
      if (!finished) player.replayer.pause();
      player.playing = false;
      render(true);
      remember();
    }
  }

  function remember() {
    const url = new URL(window.location.href);
    url.searchParams.set("t", String(Math.round((player.now - startTs) / 100) / 10));
    window.history.replaceState(null, "", url);
  }

  let lastPanelUpdate = 0;
  function render(force = false) {
    const fraction = Math.min(1, Math.max(0, (player.now - startTs) / duration));
    ui.played.style.width = `${fraction * 100}%`;
    ui.playhead.style.left = `${fraction * 100}%`;
    ui.time.textContent = fmtClock(player.now - startTs);
    ui.timeline.dataset.t = String(((player.now - startTs) / 1000).toFixed(2));
    ui.play.classList.toggle("playing", player.playing);
    const wall = performance.now();
    if (force || wall - lastPanelUpdate > 150) {
      lastPanelUpdate = wall;
      panels.setTime(player.now);
      const page = pageAt(player.pageRows, player.now);
      if (ui.pageUrl.textContent !== page.href) ui.pageUrl.textContent = page.href;
      if (ui.viewport.textContent !== page.viewport) ui.viewport.textContent = page.viewport;
    }
  }

  function tick() {
    if (player.playing && player.replayer) {
      player.now = Math.min(endTs, player.base + player.replayer.getCurrentTime());
      const index = chunkIndexFor(chunks, player.now);
      if (index !== focus) slide(index);
      if (index > player.first && loaded.has(index)) {
        // Playback entered the next chunk (it starts with its own snapshot): drop the one behind it.
        build(index);
        player.replayer.play(Math.max(0, player.now - player.base));
      }
      render();
    }
    requestAnimationFrame(tick);
  }

  function drawMarkers(markers) {
    ui.markers.replaceChildren();
    for (const marker of markers) {
      const el = document.createElement("span");
      el.className = `marker mk-${marker.kind}`;
      el.style.left = `${((marker.ts - startTs) / duration) * 100}%`;
      el.title = `${fmtClock(marker.ts - startTs)} · ${marker.label || marker.kind}`;
      el.addEventListener("click", (e) => {
        e.stopPropagation();
        seek(marker.ts + 1);
      });
      ui.markers.append(el);
    }
  }

  function timeAt(clientX) {
    const rect = ui.timeline.getBoundingClientRect();
    return startTs + Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)) * duration;
  }

  function bindControls() {
    ui.play.addEventListener("click", () => setPlaying(!player.playing));
    ui.speed.addEventListener("change", () => {
      player.speed = Number(ui.speed.value);
      player.replayer?.setConfig({ speed: player.speed });
    });
    ui.skip.addEventListener("change", () => player.replayer?.setConfig({ skipInactive: ui.skip.checked }));
    let dragging = false;
    ui.timeline.addEventListener("pointerdown", (e) => {
      dragging = true;
      ui.timeline.setPointerCapture(e.pointerId);
      player.now = timeAt(e.clientX);
      render(true);
    });
    ui.timeline.addEventListener("pointermove", (e) => {
      const t = timeAt(e.clientX);
      ui.hoverTime.classList.remove("hidden");
      ui.hoverTime.textContent = fmtClock(t - startTs);
      ui.hoverTime.style.left = `${((t - startTs) / duration) * 100}%`;
      if (dragging) {
        player.now = t;
        render(true);
      }
    });
    ui.timeline.addEventListener("pointerleave", () => ui.hoverTime.classList.add("hidden"));
    ui.timeline.addEventListener("pointerup", (e) => {
      if (!dragging) return;
      dragging = false;
      seek(timeAt(e.clientX));
    });
    document.addEventListener("keydown", (e) => {
      if (e.target.closest("input, select, textarea, [contenteditable]") || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === " " || e.code === "Space") {
        e.preventDefault();
        setPlaying(!player.playing);
      } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        e.preventDefault();
        const step = (e.shiftKey ? BIG_STEP_MS : STEP_MS) * (e.key === "ArrowLeft" ? -1 : 1);
        seek(player.now + step);
      }
    });
  }

  if (!chunks.length) {
    overlay("This recording has no events.", false);
    return;
  }
  bindControls();
  let target = t === null ? startTs : startTs + t * 1000;
  focus = chunkIndexFor(chunks, target);
  const events = await loadChunk(focus);
  // Without ?t=, open on the first moment with something on screen, not on an app's empty root.
  // (+1 ms: rrweb applies events strictly before the seek time.)
  if (t === null) target = Math.max(startTs, (firstContentTs(events) ?? startTs - 1) + 1);
  drawMarkers(manifest.markers?.length ? manifest.markers : markersFromEvents(events));
  deferStyleRewrites(); // the first frame does not wait for the stylesheets' replay rewrite (csscache.js)
  await seek(target, { play: false });
  // Once the frame is painted (a task after the next animation frame).
  requestAnimationFrame(() => setTimeout(() => rewriteDeferredStyles(player.replayer), 0));
  player.readyMs = performance.now(); // first frame, from navigation start (bench/spa_replay.py)
  const at = (url, key) => Math.round(arrivals.get(url)?.[key] ?? -1);
  const chunkUrl = `${config.chunk}${chunks[focus].index ?? focus}`;
  player.firstFrame = {
    script: Math.round(started), // the bundle ran (HTML, stylesheets and the bundle were in)
    manifest: at(config.manifest, "parsed"),
    chunkBody: at(chunkUrl, "body"),
    chunkParsed: at(chunkUrl, "parsed"),
    build: Math.round(player.lastSeek.build), // rrweb Replayer built
    seek: Math.round(player.lastSeek.seek), // rebuild of the snapshot + fast-forward to the first frame
    frame: Math.round(player.readyMs),
  };
  document.body.dataset.replayReady = "1";
  requestAnimationFrame(tick);
  // The window around the start (its neighbours, fetched by the seek) is in: read by tests.
  while (pending.size) await Promise.allSettled([...pending.values()]);
  document.body.dataset.replayLoaded = "1";
}
