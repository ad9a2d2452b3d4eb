// Joins the `part` frames of the watch socket (sessions/watch_frames.py): a frame larger than the
// websocket cap, a big full snapshot, arrives as consecutive parts `{t: "part", i, n, data}`.

export class PartJoiner {
  constructor() {
    this.reset();
  }

  reset() {
    this.n = 0;
    this.chunks = [];
    this.size = 0;
  }

  /** Add one part; returns the whole frame's bytes once its last part is in, else null. */
  add(part) {
    const { i, n, data } = part;
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(i) || i < 0 || i >= n || !(data instanceof Uint8Array)) {
      this.reset();
      return null;
    }
    // Parts come in order and back to back; anything else means we lost the start: drop and wait.
    if (i === 0) this.reset();
    if (i !== this.chunks.length || (i > 0 && n !== this.n)) {
      this.reset();
      return null;
    }
    this.n = n;
    this.chunks.push(data);
    this.size += data.length;
    if (this.chunks.length < n) return null;
    const whole = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      whole.set(chunk, offset);
      offset += chunk.length;
    }
    this.reset();
    return whole;
  }
}
