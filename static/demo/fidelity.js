// The fidelity demo page: form controls of every kind, a modal dialog and a popover, for the recorder's
// end-to-end tests and bench/fidelity.py.
(() => {
  const modal = document.getElementById("modal");
  document.getElementById("open-dialog").addEventListener("click", () => modal.showModal());
  document.getElementById("close-dialog").addEventListener("click", () => modal.close());
  // A bar chart on a canvas; "Next week" draws other data (deterministic, for tests and the benchmark).
  const chart = document.getElementById("chart");
  let week = 0;
  const draw = () => {
    const ctx = chart.getContext("2d");
    ctx.fillStyle = "#fffdf8";
    ctx.fillRect(0, 0, chart.width, chart.height);
    for (let day = 0; day < 7; day += 1) {
      const value = 20 + ((day * 37 + week * 53) % 100);
      ctx.fillStyle = week % 2 ? "#1d7a5f" : "#b4532a";
      ctx.fillRect(12 + day * 50, chart.height - value, 36, value);
    }
  };
  draw();
  // ?animate=1: redraw with new data every animation frame (bench/canvas_cost.py).
  if (new URLSearchParams(window.location.search).get("animate") === "1") {
    const tick = () => {
      week += 1;
      draw();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  document.getElementById("chart-next").addEventListener("click", () => {
    week += 1;
    draw();
  });
  let item = 0;
  document.getElementById("hash-route").addEventListener("click", () => {
    item += 1;
    window.location.hash = `#/item/${item}`;
  });
  document.getElementById("throw").addEventListener("click", () => {
    throw new TypeError("preferences is not iterable");
  });
})();
