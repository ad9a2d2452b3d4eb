// The live view's decisions, without a DOM, a socket or rrweb: what to show after a catch-up, when the
// customer switches tabs, and when rrweb's live clock has drifted. Each method returns the steps for
// live.js to carry out on the Replayer: {start: events, recorderNow} (a new Replayer from these events),
// {add: events} (feed the current one), {wait: true} (nothing to show yet: say so).
import { estimateRecorderNow, fromLastSnapshot, lastTimestamp } from "./model.js";

export const DRIFT_LIMIT_MS = 3000;

export class LiveFeed {
  /**
   * @param {() => object} fallbackMeta  {href, width, height} for a snapshot whose Meta went earlier
   * @param {number} driftLimitMs  restart rrweb's timer when new events would wait longer than this
   */
  constructor(fallbackMeta = () => ({}), driftLimitMs = DRIFT_LIMIT_MS) {
    this.fallbackMeta = fallbackMeta;
    this.driftLimitMs = driftLimitMs;
    this.catching = false;
    this.buffer = [];
    this.showing = false; // a Replayer exists
    this.tab = null;
    this.baseline = 0; // recorder time the Replayer's live clock started at
    this.startedAt = 0; // local monotonic time (ms) it started
    this.sinceSnapshot = []; // events from the current snapshot on: what a restart replays
  }

  /** The server starts a catch-up: batches are held until `live`. */
  reset() {
    this.catching = true;
    this.buffer = [];
  }

  /** A batch entry {id, tab, ts, full, events}; returns the steps to show it (none while catching up). */
  batch(entry, frameNow, localNow) {
    if (this.catching) {
      this.buffer.push(entry);
      return [];
    }
    return this.tail(entry, frameNow, localNow);
  }

  /** The catch-up is over: start from the newest full snapshot held (of its tab), if any. */
  finishCatchUp(frameNow, localNow) {
    const buffer = this.buffer;
    this.buffer = [];
    this.catching = false;
    let start = -1;
    for (let i = buffer.length - 1; i >= 0; i -= 1) {
      if (buffer[i].full) {
        start = i;
        break;
      }
    }
    if (start < 0) return this.showing ? [] : [{ wait: true }]; // a resync without a snapshot: keep the view
    const tab = buffer[start].tab;
    const events = buffer.slice(start).filter((b) => b.tab === tab).flatMap((b) => b.events);
    const startEvents = fromLastSnapshot(events, this.fallbackMeta());
    if (!startEvents) return [];
    this.tab = tab;
    return [this._start(startEvents, estimateRecorderNow(buffer[buffer.length - 1], frameNow), localNow)];
  }

  /** A batch after the catch-up. */
  tail(entry, frameNow, localNow) {
    if (!this.showing || (entry.tab !== this.tab && entry.full)) {
      // First page, or the customer is now in another tab: start from that tab's snapshot.
      if (!entry.full) return [];
      const events = fromLastSnapshot(entry.events, this.fallbackMeta());
      if (!events) return [];
      this.tab = entry.tab;
      return [this._start(events, estimateRecorderNow(entry, frameNow), localNow)];
    }
    if (entry.tab !== this.tab) return [];
    const steps = [{ add: entry.events }];
    if (entry.full) this.sinceSnapshot = fromLastSnapshot(entry.events, this.fallbackMeta()) || entry.events;
    else this.sinceSnapshot.push(...entry.events);
    // rrweb schedules events against the recorder clock estimated at start; if that estimate was early,
    // new events would wait. Restart the timer from the current snapshot when it drifts too far.
    const due = lastTimestamp(entry.events) - this.baseline - (localNow - this.startedAt);
    if (due > this.driftLimitMs) {
      steps.push(this._start(this.sinceSnapshot, estimateRecorderNow(entry, frameNow), localNow));
    }
    return steps;
  }

  _start(events, recorderNow, localNow) {
    this.showing = true;
    this.baseline = recorderNow || lastTimestamp(events);
    this.startedAt = localNow;
    this.sinceSnapshot = events.slice();
    return { start: events, baseline: this.baseline };
  }
}
