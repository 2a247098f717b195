import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixOptions from "./remix.config.js";
import { precompressAssets } from "./server/precompress";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [remix(remixOptions), precompressAssets()],
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  server: { port: 3000 },
  build: {
    // better-sqlite3 is a native module: it must stay a runtime require, never bundled.
    rollupOptions: { external: ["better-sqlite3"] },
  },
  ssr: { external: ["better-sqlite3"] },
});
