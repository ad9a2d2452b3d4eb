import assert from "node:assert/strict";
import { test } from "node:test";
import { frameImage, frameUrl, snapshotPictures } from "../src/canvasframes.js";

const sampled = (base64, type = "image/webp") => ({
  source: 9,
  id: 7,
  type: 0,
  commands: [
    { property: "clearRect", args: [0, 0, 300, 150] },
    {
      property: "drawImage",
      args: [{ rr_type: "ImageBitmap", args: [{ rr_type: "Blob", data: [{ rr_type: "ArrayBuffer", base64 }], type }] }, 0, 0],
    },
  ],
});

test("a sampled canvas frame yields its image", () => {
  assert.deepEqual(frameImage(sampled("AAEC")), { base64: "AAEC", type: "image/webp" });
  assert.deepEqual(frameImage(sampled("AAEC", "image/png")), { base64: "AAEC", type: "image/png" });
});

test("other canvas commands are not frames", () => {
  assert.equal(frameImage({ source: 9, commands: [{ property: "fillRect", args: [0, 0, 1, 1] }] }), null);
  assert.equal(frameImage({ source: 9, commands: [{ property: "drawImage", args: [{ rr_type: "HTMLImageElement", src: "x" }] }] }), null);
  assert.equal(frameImage({}), null);
  assert.equal(frameImage(null), null);
});

test("a frame becomes a data URL", () => {
  assert.equal(frameUrl({ base64: "AAEC", type: "image/webp" }), "data:image/webp;base64,AAEC");
});

test("snapshot pictures of canvases are found anywhere in a serialized tree", () => {
  const tree = {
    type: 0,
    id: 1,
    childNodes: [
      { type: 2, id: 2, tagName: "canvas", attributes: { rr_dataURL: "data:image/webp;base64,AA" }, childNodes: [] },
      { type: 2, id: 3, tagName: "div", attributes: {}, childNodes: [{ type: 2, id: 4, tagName: "canvas", attributes: {}, childNodes: [] }] },
      { type: 2, id: 5, tagName: "img", attributes: { rr_dataURL: "data:image/png;base64,BB" }, childNodes: [] },
    ],
  };
  assert.deepEqual([...snapshotPictures(tree, new Map())], [[2, "data:image/webp;base64,AA"]]);
});
