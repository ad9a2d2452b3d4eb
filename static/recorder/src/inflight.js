// Requests the page started before the network plugin patched fetch/XHR and that finish afterwards.
// rrweb's plugin misses them: its initial read of resource timing sees only finished requests, and its
// observer leaves fetch/XHR to the patches (when headers are recorded). We catch them from resource
// timing as they finish, pass them through the plugin's own `transformRequestFn` (sanitizeRequest: URL
// masking, own-traffic filter) and emit them in the shape of the plugin's initial requests.

const PATCHED_TYPES = new Set(["fetch", "xmlhttprequest"]);

/** A resource timing entry as the plugin's initial requests look. */
export function entryToRequest(entry) {
  return {
    initiatorType: entry.initiatorType,
    status: "responseStatus" in entry ? entry.responseStatus : undefined,
    startTime: Math.round(entry.startTime),
    endTime: Math.round(entry.responseEnd),
    duration: entry.duration,
    entryType: entry.entryType,
    name: entry.name,
  };
}

/** Entries of fetch/XHR requests that started before `patchedAt` (performance.now() time). */
export function inflightEntries(entries, patchedAt) {
  return entries.filter((e) => PATCHED_TYPES.has(e.initiatorType) && e.startTime < patchedAt);
}

/** Wrap the network plugin so its start also watches the requests already in flight. */
export function withInflightRequests(plugin) {
  const observe = plugin.observer;
  return {
    ...plugin,
    observer(cb, win, options) {
      const patchedAt = win.performance.now();
      const stop = observe(cb, win, options);
      const transform = (options && options.transformRequestFn) || ((request) => request);
      let observer = null;
      if (typeof win.PerformanceObserver === "function") {
        observer = new win.PerformanceObserver((list) => {
          const requests = inflightEntries(list.getEntries(), patchedAt)
            .map((entry) => transform(entryToRequest(entry)))
            .filter(Boolean);
          if (requests.length) cb({ requests });
        });
        try {
          observer.observe({ type: "resource", buffered: false });
        } catch (e) {
          observer = null;
        }
      }
      return () => {
        if (observer) observer.disconnect();
        if (typeof stop === "function") stop();
      };
    },
  };
}
