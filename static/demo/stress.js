// Mutation-heavy workload for bench/recorder_overhead.py: bursts of DOM updates on a timer, with the
// page's own Total Blocking Time measured from long tasks (sum of each task's time beyond 50 ms).
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("bench-config").textContent);
  const bench = { tbt: 0, longTasks: 0, bursts: 0, mutations: 0, done: false, startedAt: performance.now() };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      bench.longTasks += 1;
      bench.tbt += Math.max(0, entry.duration - 50);
    }
  }).observe({ type: "longtask", buffered: true });

  const table = document.getElementById("ticker");
  const cells = [];
  for (let r = 0; r < cfg.rows; r += 1) {
    const tr = table.insertRow();
    for (let c = 0; c < cfg.cols; c += 1) {
      const td = tr.insertCell();
      td.textContent = (100 + Math.random() * 50).toFixed(2);
      cells.push(td);
    }
  }
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

  // Script work per burst (a framework diffing, sorting, formatting): the page's own blocking time.
  function work(ms) {
    const end = performance.now() + ms;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    return x;
  }

  function burst() {
    work(cfg.work);
    // `changes` cells change text and class, and one row is replaced: text, attribute and childList
    // mutations, like a busy dashboard.
    for (let i = 0; i < cfg.changes; i += 1) {
      const td = cells[Math.floor(rand() * cells.length)];
      const up = rand() > 0.5;
      td.textContent = (100 + rand() * 50).toFixed(2);
      td.className = up ? "up" : "down";
      bench.mutations += 2;
    }
    const row = table.rows[Math.floor(rand() * table.rows.length)];
    const fresh = document.createElement("tr");
    for (let c = 0; c < cfg.cols; c += 1) {
      const td = fresh.insertCell();
      td.textContent = (100 + rand() * 50).toFixed(2);
    }
    const rowCells = Array.from(fresh.cells);
    const at = Array.prototype.indexOf.call(table.rows, row);
    row.replaceWith(fresh);
    cells.splice(at * cfg.cols, cfg.cols, ...rowCells);
    bench.mutations += 1;
    bench.bursts += 1;
  }

  // Whole-task time of each burst, including the MutationObserver callbacks that run at the end of the
  // task (where rrweb serializes the mutations): measured up to the next task, posted at the burst's end.
  bench.taskMs = [];
  const channel = new MessageChannel();
  let burstStart = 0;
  channel.port1.onmessage = () => bench.taskMs.push(performance.now() - burstStart);
  function measuredBurst() {
    burstStart = performance.now();
    burst();
    channel.port2.postMessage(0);
  }

  const timer = setInterval(measuredBurst, cfg.interval);
  setTimeout(() => {
    clearInterval(timer);
    bench.elapsedMs = performance.now() - bench.startedAt;
    // Let the observer deliver the last entries before the benchmark reads them.
    setTimeout(() => (bench.done = true), 300);
  }, cfg.seconds * 1000);
})();
