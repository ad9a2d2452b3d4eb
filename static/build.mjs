// Builds every bundle into static/ with esbuild. Entries whose source is absent are skipped, so each
// part of the front end (recorder, player) owns its entry here.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { applyRrwebFixes, applyRrwebTrims } from "./rrweb_fixes.mjs";

const root = dirname(fileURLToPath(import.meta.url));
const entries = [
  // [source, output, options]
  ["recorder/src/loader.js", "recorder/loader.js", { minify: true, format: "iife" }],
  ["recorder/src/recorder.js", "recorder/recorder.js", { minify: true, format: "iife" }],
  ["player/src/player.js", "player/player.js", { minify: true, format: "iife" }],
  ["player/src/list.js", "player/list.js", { minify: true, format: "iife" }],
  ["player/src/standalone.js", "player/standalone.js", { minify: true, format: "iife" }],
];

// rrweb's flat ESM build evaluates two PostCSS copies at import time (replay-only CSS rewriting): a CJS
// wrapper call without a purity annotation and bare `import_postcss.default.x;` reads. Marking the call pure
// and dropping the no-op reads lets esbuild tree-shake PostCSS out of a record-only bundle (about -37 KB
// gzipped). Semantics are unchanged: code that does use PostCSS still gets it, evaluated lazily. Every fix
// and trim (static/rrweb_fixes.mjs) must match where it expects to, or the build stops with its name.
const trimRrweb = {
  name: "trim-rrweb",
  setup(b) {
    b.onLoad({ filter: /[\\/]rrweb[\\/]dist[\\/]rrweb\.js$/ }, async (args) => ({
      loader: "js",
      contents: applyRrwebTrims(applyRrwebFixes(await readFile(args.path, "utf8"))),
    }));
  },
};

for (const [src, out, opts] of entries) {
  const entry = join(root, src);
  if (!existsSync(entry)) continue;
  await build({
    entryPoints: [entry],
    outfile: join(root, out),
    bundle: true,
    target: ["es2019"],
    legalComments: "none",
    logLevel: "warning",
    sourcemap: false,
    plugins: [trimRrweb],
    ...opts,
  });
}
