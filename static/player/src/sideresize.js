// The side panels' width, dragged from their left edge (or arrow keys on the handle); remembered per
// browser. Bounds keep the stage usable: 300 px to 70 % of the window.
const KEY = "sr.sideWidth";
const MIN = 300;

export function clampWidth(width, windowWidth) {
  return Math.round(Math.min(Math.max(width, MIN), Math.max(MIN, windowWidth * 0.7)));
}

export function bindSideResize(side, handle) {
  if (!side || !handle) return;
  const apply = (width) => {
    side.style.width = `${clampWidth(width, window.innerWidth)}px`;
  };
  try {
    const saved = Number(window.localStorage.getItem(KEY));
    if (saved) apply(saved);
  } catch {
    // Storage off: the default width.
  }
  const save = () => {
    try {
      window.localStorage.setItem(KEY, String(side.getBoundingClientRect().width));
    } catch {
      // Storage off: not remembered.
    }
  };
  handle.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    const right = side.getBoundingClientRect().right;
    const move = (e) => apply(right - e.clientX);
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      save();
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
  });
  handle.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    apply(side.getBoundingClientRect().width + (event.key === "ArrowLeft" ? 40 : -40));
    save();
  });
}
