// Pure player logic (no DOM, no network): turning rrweb events into panel rows, markers, times and
// latency figures. Unit-tested with node --test (static/player/test/).

export const EventType = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5, Plugin: 6 };
const Source = { MouseInteraction: 2, ViewportResize: 4 };
const CLICK = 2;
export const CONSOLE_PLUGIN = "rrweb/console@1";
export const NETWORK_PLUGIN = "rrweb/network@1";

/** Same rule as sessions/events.py: no answer (0 / missing) or an HTTP error status. */
export function isFailedStatus(status) {
  return typeof status !== "number" || status === 0 || status >= 400;
}

/** The console plugin stringifies each argument; show strings without their JSON quotes. */
export function formatConsoleArg(arg) {
  if (typeof arg !== "string") return safeStringify(arg);
  if (arg.length >= 2 && arg[0] === '"' && arg[arg.length - 1] === '"') {
    try {
      const parsed = JSON.parse(arg);
      if (typeof parsed === "string") return parsed;
    } catch {
      /* not JSON: show as recorded */
    }
  }
  return arg;
}

function safeStringify(value) {
  try {
    return typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function header(headers, name) {
  if (!headers || typeof headers !== "object") return undefined;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === wanted) return headers[key];
  return undefined;
}

/** Response size in bytes when known: transferSize, Content-Length, or the recorded body. */
export function requestSize(req) {
  if (typeof req.transferSize === "number" && req.transferSize > 0) return req.transferSize;
  const length = Number(header(req.responseHeaders, "content-length"));
  if (Number.isFinite(length) && length >= 0 && header(req.responseHeaders, "content-length") !== undefined) return length;
  if (typeof req.responseBody === "string") return req.responseBody.length;
  return null;
}

function networkRows(event) {
  const requests = event.data?.payload?.requests;
  if (!Array.isArray(requests)) return [];
  return requests
    .filter((r) => r && typeof r === "object")
    .map((r) => {
      const duration =
        typeof r.startTime === "number" && typeof r.endTime === "number" ? Math.max(0, r.endTime - r.startTime) : null;
      return {
        kind: "network",
        ts: event.timestamp,
        method: String(r.method || "GET").toUpperCase(),
        url: String(r.url || ""),
        status: typeof r.status === "number" ? r.status : 0,
        duration,
        size: requestSize(r),
        type: r.initiatorType || "",
        failed: isFailedStatus(r.status),
        // For the detail pane (netdetail.js): as recorded, already masked by the recorder and server.
        requestHeaders: r.requestHeaders && typeof r.requestHeaders === "object" ? r.requestHeaders : {},
        responseHeaders: r.responseHeaders && typeof r.responseHeaders === "object" ? r.responseHeaders : {},
        requestBody: typeof r.requestBody === "string" ? r.requestBody : null,
        responseBody: typeof r.responseBody === "string" ? r.responseBody : null,
        startTime: typeof r.startTime === "number" ? r.startTime : null,
      };
    });
}

/** Panel rows for one event: console, network, error, env, vital, nav, viewport (or none). */
export function eventRows(event) {
  if (!event || typeof event !== "object") return [];
  const data = event.data || {};
  switch (event.type) {
    case EventType.Meta:
      return [{ kind: "nav", ts: event.timestamp, href: String(data.href || ""), width: data.width, height: data.height }];
    case EventType.IncrementalSnapshot:
      if (data.source === Source.ViewportResize) {
        return [{ kind: "viewport", ts: event.timestamp, width: data.width, height: data.height }];
      }
      return [];
    case EventType.Custom: {
      const p = data.payload || {};
      if (data.tag === "sr.error") {
        return [
          {
            kind: "error",
            ts: event.timestamp,
            errorKind: p.kind === "unhandledrejection" ? "Unhandled rejection" : "Error",
            message: String(p.message || "Unknown error"),
            stack: String(p.stack || ""),
            source: p.source || p.filename || "",
          },
        ];
      }
      if (data.tag === "sr.env") return [{ kind: "env", ts: event.timestamp, data: p }];
      if (data.tag === "sr.vitals") {
        return [{ kind: "vital", ts: event.timestamp, name: String(p.name || ""), value: p.value, rating: p.rating || "" }];
      }
      if (data.tag === "sr.route") return [{ kind: "nav", ts: event.timestamp, href: String(p.to || ""), spa: true }];
      return [];
    }
    case EventType.Plugin:
      if (data.plugin === CONSOLE_PLUGIN) {
        const p = data.payload || {};
        const args = Array.isArray(p.payload) ? p.payload : [];
        return [
          {
            kind: "console",
            ts: event.timestamp,
            level: normalLevel(p.level),
            text: args.map(formatConsoleArg).join(" "),
            trace: Array.isArray(p.trace) ? p.trace.map(String) : [],
          },
        ];
      }
      if (data.plugin === NETWORK_PLUGIN) return networkRows(event);
      return [];
    default:
      return [];
  }
}

export function normalLevel(level) {
  if (level === "error" || level === "assert") return "error";
  if (level === "warn") return "warn";
  if (level === "info") return "info";
  if (level === "debug" || level === "trace") return "debug";
  return "log";
}

/** Rage clicks: 3+ clicks within 1 s within 30 px of each other. Returns [{ts, count}]. */
export function rageClicks(events, { windowMs = 1000, radius = 30, min = 3 } = {}) {
  const clicks = events.filter(
    (e) => e.type === EventType.IncrementalSnapshot && e.data?.source === Source.MouseInteraction && e.data?.type === CLICK,
  );
  const found = [];
  let i = 0;
  while (i < clicks.length) {
    const first = clicks[i];
    let j = i + 1;
    while (
      j < clicks.length &&
      clicks[j].timestamp - first.timestamp <= windowMs &&
      Math.hypot((clicks[j].data.x || 0) - (first.data.x || 0), (clicks[j].data.y || 0) - (first.data.y || 0)) <= radius
    ) {
      j += 1;
    }
    if (j - i >= min) {
      found.push({ ts: first.timestamp, count: j - i });
      i = j;
    } else {
      i += 1;
    }
  }
  return found;
}

/** Timeline markers from events, when the manifest has none (ended sessions read from Redis, say). */
export function markersFromEvents(events) {
  const markers = [];
  let lastHref = null;
  for (const event of events) {
    for (const row of eventRows(event)) {
      if (row.kind === "error") markers.push({ ts: row.ts, kind: "error", label: row.message });
      else if (row.kind === "console" && row.level === "error") markers.push({ ts: row.ts, kind: "error", label: row.text });
      else if (row.kind === "network" && row.failed)
        markers.push({ ts: row.ts, kind: "failed_request", label: `${row.method} ${row.url} → ${row.status || "failed"}` });
      else if (row.kind === "nav" && row.href && row.href !== lastHref) {
        if (lastHref !== null) markers.push({ ts: row.ts, kind: "navigation", label: row.href });
        lastHref = row.href;
      }
    }
  }
  for (const rage of rageClicks(events)) markers.push({ ts: rage.ts, kind: "rage_click", label: `${rage.count} clicks` });
  return markers.sort((a, b) => a.ts - b.ts);
}

/** Index of the last row whose ts <= t (rows sorted by ts), or -1. */
export function currentIndex(rows, t) {
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].ts <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The chunk that holds ts (the last chunk starting at or before it; the first if ts is earlier). */
export function chunkIndexFor(chunks, ts) {
  if (!chunks.length) return -1;
  let best = 0;
  for (let i = 0; i < chunks.length; i += 1) if (chunks[i].start_ts <= ts) best = i;
  return best;
}

/** `?t=SECONDS` (also 90s, 1m30s, 1:30) -> seconds, or null. */
export function parseStartParam(search) {
  const raw = new URLSearchParams(search).get("t");
  if (!raw) return null;
  let m = /^(\d+(?:\.\d+)?)s?$/.exec(raw);
  if (m) return Number(m[1]);
  m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(raw);
  if (m && (m[1] || m[2] || m[3])) return Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0);
  m = /^(\d+):(\d{1,2})(?::(\d{1,2}))?$/.exec(raw);
  if (m) return m[3] !== undefined ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number(m[1]) * 60 + Number(m[2]);
  return null;
}

export function fmtClock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function fmtBytes(size) {
  if (size === null || size === undefined) return "—";
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function lastTimestamp(events) {
  let last = 0;
  for (const e of events) if (typeof e.timestamp === "number" && e.timestamp > last) last = e.timestamp;
  return last;
}

/**
 * Events from which a Replayer can start: from the Meta before the last full snapshot on. Without a Meta
 * (it went in an earlier batch) one is made from `fallbackMeta` ({href, width, height}) so the iframe
 * gets its size.
 */
export function fromLastSnapshot(events, fallbackMeta) {
  let full = -1;
  for (let i = events.length - 1; i >= 0; i -= 1) {
    if (events[i].type === EventType.FullSnapshot) {
      full = i;
      break;
    }
  }
  if (full < 0) return null;
  for (let i = full - 1; i >= 0 && i >= full - 3; i -= 1) {
    if (events[i].type === EventType.Meta) return events.slice(i);
  }
  const meta = {
    type: EventType.Meta,
    data: {
      href: fallbackMeta?.href || "",
      width: fallbackMeta?.width || 1280,
      height: fallbackMeta?.height || 800,
    },
    timestamp: events[full].timestamp,
  };
  return [meta, ...events.slice(full)];
}

/** "1280x720" -> {width, height} or null. */
export function parseViewport(text) {
  const m = /^(\d+)\s*[x×]\s*(\d+)$/.exec(String(text || ""));
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/**
 * "N ms behind": recorder timestamp -> this page. A batch frame carries the server's send time `now`;
 * the smallest (receipt - now) seen estimates this page's clock offset to the server plus the fastest
 * transit, so server->page delay is measured against it; recorder->server is `now - lastEventTs`
 * (clamped at 0 when the customer's clock runs ahead).
 */
export class LatencyProbe {
  constructor() {
    this.offset = Infinity;
    this.samples = [];
  }

  observe(frameNow, lastEventTs, receivedAt) {
    this.offset = Math.min(this.offset, receivedAt - frameNow);
    const upstream = Math.max(0, frameNow - lastEventTs);
    const downstream = Math.max(0, receivedAt - frameNow - this.offset);
    const value = upstream + downstream;
    this.samples.push(value);
    if (this.samples.length > 20) this.samples.shift();
    return value;
  }

  /** Median of the recent samples: steady enough to read, quick to follow a change. */
  get current() {
    if (!this.samples.length) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }
}

/**
 * The recorder's clock "now", estimated when the catch-up ends, to start rrweb's live timer: events
 * older than it apply at once, newer ones as they arrive. `batch` is the newest batch ({ts, events}),
 * `frameNow` the server's time when it sent the "live" frame.
 */
export function estimateRecorderNow(batch, frameNow) {
  const last = lastTimestamp(batch.events);
  if (!last) return null;
  const transit = Math.max(0, batch.ts - last);
  return frameNow - transit;
}

/** Stream ids "ms-seq" compare numerically. */
export function idAfter(a, b) {
  if (!b) return true;
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return am > bm || (am === bm && as > bs);
}
