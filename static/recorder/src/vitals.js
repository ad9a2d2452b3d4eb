// Web Vitals and long tasks as custom events (`sr.vitals`, `sr.longtask`).
import { onCLS, onFCP, onINP, onLCP, onTTFB } from "web-vitals";

export function watchVitals(emit) {
  const report = (metric) =>
    emit("sr.vitals", {
      name: metric.name,
      value: Math.round(metric.value * 1000) / 1000,
      rating: metric.rating,
      id: metric.id,
    });
  for (const on of [onLCP, onINP, onCLS, onTTFB, onFCP]) {
    try {
      on(report);
    } catch (e) {
      // Unsupported metric in this browser.
    }
  }
}

/** Long tasks (> 50 ms) while recording; returns the stop function. */
export function watchLongTasks(win, emit) {
  if (!win.PerformanceObserver) return () => {};
  let observer;
  try {
    observer = new win.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        emit("sr.longtask", { duration: Math.round(entry.duration), startTime: Math.round(entry.startTime) });
      }
    });
    observer.observe({ type: "longtask", buffered: false });
  } catch (e) {
    return () => {};
  }
  return () => observer.disconnect();
}
