// Static assets compressed once, when they are built, rather than on every request: Vite's
// scripts and the stylesheet are fingerprinted and never change, so each is written beside itself
// as brotli at its best quality (`.br`), and the server sends that file to browsers that accept it
// (server/http.ts). Pages and data, made per request, are compressed as they go.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Plugin } from "vite";

/** What compresses: scripts, styles and SVG (fonts are compressed already). */
export const PRECOMPRESSED = /\.(js|css|svg)$/;

/** The Vite plugin that writes `NAME.br` beside each of the client build's assets. */
export function precompressAssets(): Plugin {
  return {
    name: "precompress-assets",
    apply: "build",
    writeBundle(options, bundle) {
      // The server build has no business here; only the browser's files are sent.
      if (!options.dir || !options.dir.endsWith(path.join("build", "client"))) return;
      for (const name of Object.keys(bundle)) {
        if (!PRECOMPRESSED.test(name)) continue;
        const file = path.join(options.dir, name);
        const compressed = zlib.brotliCompressSync(readFileSync(file), {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY },
        });
        writeFileSync(`${file}.br`, compressed);
      }
    },
  };
}

/** The assets (paths under `dir`, with a leading slash) that have a `.br` beside them. */
export function precompressedIn(dir: string): Set<string> {
  if (!existsSync(dir)) return new Set();
  return new Set(
    readdirSync(dir)
      .filter((name) => PRECOMPRESSED.test(name) && existsSync(path.join(dir, `${name}.br`)))
      .map((name) => `/${name}`),
  );
}
