// Wire frames (msgpack maps, see docs/PROTOCOL.md). A batch's events are encoded once; the same bytes are
// reused for the first send, every resend, the part frames and the sessionStorage copy.
import { encode } from "@msgpack/msgpack";

export const PART_SIZE = 512 * 1024;
// Room for the frame's own keys around the events bytes.
const FRAME_OVERHEAD = 64;

function concat(chunks) {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function encodeEvents(events) {
  return encode(events);
}

/** `{"t":"events","seq":seq,"events":<already encoded list>}` without decoding the list again. */
export function eventsFrame(seq, eventsBytes) {
  const head = encode({ t: "events", seq });
  // head is a fixmap of 2 entries (0x82); make it 3 and append the third key and its raw value.
  const fixed = head.slice();
  fixed[0] = 0x83;
  return concat([fixed, encode("events"), eventsBytes]);
}

/** The frames that carry one batch: one `events` frame, or `part` frames when it would exceed maxFrame. */
export function batchFrames(seq, eventsBytes, maxFrame, partSize = PART_SIZE) {
  if (eventsBytes.length + FRAME_OVERHEAD <= maxFrame) return [eventsFrame(seq, eventsBytes)];
  const size = Math.max(1024, Math.min(partSize, maxFrame - FRAME_OVERHEAD));
  const n = Math.ceil(eventsBytes.length / size);
  const frames = [];
  for (let i = 0; i < n; i += 1) {
    frames.push(encode({ t: "part", seq, i, n, data: eventsBytes.subarray(i * size, (i + 1) * size) }));
  }
  return frames;
}

export function toBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}
