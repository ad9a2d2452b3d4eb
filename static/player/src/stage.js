// The rrweb Replayer in its sandboxed iframe, scaled to fit the stage.
//
// rrweb's default sandbox is `allow-same-origin` only: no script from a recording can run. We never set
// UNSAFE_replayCanvas (it adds allow-scripts; canvas frames are drawn by canvasframes.js instead) and the
// agent pages' CSP (script-src 'self') is inherited by the about:blank iframe as a second wall.
import { Replayer, adaptCssForReplay } from "rrweb";
import { AssetMap, assetBase, patchDocument } from "./assets.js";
import { blockedAssetCounter, showBlockedNote } from "./blocked.js";
import { canvasFramesPlugin } from "./canvasframes.js";
import { BoundedCssCache, pendingStyleUpdates, replayerCache } from "./csscache.js";
import { defuseEvent } from "./defuse.js";
import { embedsPlugin } from "./embeds.js";
import { formStatePlugin } from "./formstate.js";
import { topLayerPlugin } from "./toplayer.js";

const MOUSE_TAIL = { duration: 600, lineCap: "round", lineWidth: 3, strokeStyle: "rgba(139, 123, 255, 0.75)" };
// Stylesheets rewritten for replay, shared by every Replayer of this page (csscache.js).
const CSS_CACHE = new BoundedCssCache();

export function createReplayer(stage, events, options = {}) {
  stage.replaceChildren();
  const formState = formStatePlugin();
  const topLayer = topLayerPlugin();
  const canvasFrames = canvasFramesPlugin();
  // Captured images and fonts: recorded URLs -> this session's /assets/<sha256> (assets.js). The whole
  // batch is read first, so a snapshot is rewritten with the mappings that follow it.
  const base = assetBase(location.pathname);
  const assets = new AssetMap(base && location.origin + base);
  const snapshots = [];
  const learn = (list) => {
    let added = false;
    for (const event of list) added = assets.learn(event) || added;
    if (!added) return;
    // Snapshots rrweb holds already (a seek rebuilds from them) and the page painted now.
    for (const snapshot of snapshots) assets.rewrite(snapshot);
    patchDocument(replayer && replayer.iframe && replayer.iframe.contentDocument, assets);
  };
  const prepare = (event) => {
    const ready = assets.rewrite(defuseEvent(event));
    // Full snapshots, and the documents of recorded frames (attached by a mutation), are what a seek
    // rebuilds from: they get the mappings that arrive after them too.
    if (ready && (ready.type === 2 || (ready.type === 3 && ready.data && ready.data.isAttachIframe))) {
      snapshots.push(ready);
    }
    return ready;
  };
  let replayer = null;
  learn(events);
  replayer = new Replayer(events.map(prepare), {
    root: stage,
    showWarning: false,
    showDebug: false,
    mouseTail: MOUSE_TAIL,
    triggerFocus: false,
    pauseAnimation: true,
    UNSAFE_replayCanvas: false,
    ...options,
    plugins: [formState, embedsPlugin(), canvasFrames, ...(options.plugins || [])],
  });
  // Before the first rebuild (rrweb's constructor defers it; a seek does it synchronously below).
  replayer.cache = replayerCache(CSS_CACHE);
  formState.attach(replayer);
  // rrweb hides the replay's scrollbars (scrolling="no"): a page that showed the customer a vertical
  // scrollbar then lays out a scrollbar's width wider in the replay, shifting everything centred. Keep
  // them as the page had them; the agent still cannot interact (pointer-events stay off).
  replayer.iframe.removeAttribute("scrolling");
  const addEvent = replayer.addEvent.bind(replayer);
  replayer.addEvent = (event) => {
    learn([event]);
    addEvent(prepare(event));
  };
  // A batch about to be added one by one (live): learn its mappings before its snapshot paints.
  replayer.learnAssets = learn;
  const blocked = blockedAssetCounter((count) => showBlockedNote(stage, count));
  const listen = () => blocked.attach(replayer.iframe && replayer.iframe.contentWindow);
  listen();
  replayer.on("fullsnapshot-rebuilded", listen);
  replayer.on("destroy", () => blocked.stop());
  topLayer.attach(replayer);
  canvasFrames.attach(replayer);
  const fit = () => fitToStage(stage, replayer);
  // Fit at once (a seek applies the size synchronously; waiting a frame paints it at the old scale).
  replayer.on("resize", () => {
    fit();
    requestAnimationFrame(fit);
  });
  replayer.on("fullsnapshot-rebuilded", () => requestAnimationFrame(fit));
  const observer = new ResizeObserver(fit);
  observer.observe(stage);
  replayer.on("destroy", () => observer.disconnect());
  fit();
  requestAnimationFrame(fit);
  return replayer;
}

/** Paint the next rebuild with recorded stylesheets as they are; `rewriteDeferredStyles` follows. */
export function deferStyleRewrites() {
  CSS_CACHE.deferring = true;
}

/** Rewrite the stylesheets the last rebuilds left as recorded, in the cache and in `replayer`'s document. */
export function rewriteDeferredStyles(replayer) {
  const rewrites = CSS_CACHE.rewritePending(adaptCssForReplay);
  const doc = replayer && replayer.iframe && replayer.iframe.contentDocument;
  if (!doc) return;
  for (const [node, text] of pendingStyleUpdates(doc.querySelectorAll("style"), rewrites)) node.data = text;
}

export function fitToStage(stage, replayer) {
  const wrapper = replayer.wrapper;
  const iframe = replayer.iframe;
  const width = Number(iframe.getAttribute("width")) || iframe.offsetWidth;
  const height = Number(iframe.getAttribute("height")) || iframe.offsetHeight;
  if (!width || !height) return;
  const scale = Math.min(stage.clientWidth / width, stage.clientHeight / height, 1);
  const left = Math.max(0, (stage.clientWidth - width * scale) / 2);
  const top = Math.max(0, (stage.clientHeight - height * scale) / 2);
  wrapper.style.width = `${width}px`;
  wrapper.style.height = `${height}px`;
  wrapper.style.transform = `translate(${left}px, ${top}px) scale(${scale})`;
}
