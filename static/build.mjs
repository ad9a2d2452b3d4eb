// Builds every bundle into static/ with esbuild. Entries whose source is absent are skipped, so each
// part of the front end (recorder, player) owns its entry here.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const entries = [
  // [source, output, options]
  ["recorder/src/loader.js", "recorder/loader.js", { minify: true, format: "iife" }],
  ["recorder/src/recorder.js", "recorder/recorder.js", { minify: true, format: "iife" }],
  ["player/src/player.js", "player/player.js", { minify: true, format: "iife" }],
];

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
    ...opts,
  });
}
