// SPA route changes (`sr.route`): pushState, replaceState, popstate, hashchange.
import { maskUrl } from "./masking.js";

export function watchRoutes(win, emit) {
  let last = maskUrl(win.location.href);
  const check = (how) => {
    const now = maskUrl(win.location.href);
    if (now !== last) {
      emit("sr.route", { from: last, to: now, how });
      last = now;
    }
  };
  const history = win.history;
  const originals = {};
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    originals[name] = original;
    history[name] = function patched(...args) {
      const result = original.apply(this, args);
      check(name);
      return result;
    };
  }
  const onPop = () => check("popstate");
  const onHash = () => check("hashchange");
  win.addEventListener("popstate", onPop);
  win.addEventListener("hashchange", onHash);
  return () => {
    for (const name of Object.keys(originals)) history[name] = originals[name];
    win.removeEventListener("popstate", onPop);
    win.removeEventListener("hashchange", onHash);
  };
}
