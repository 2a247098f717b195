// The Remix options, in one place: vite.config.ts hands them to the Remix Vite plugin.
/** @type {import("@remix-run/dev").VitePluginConfig} */
export default {
  appDirectory: "app",
  buildDirectory: "build",
  ignoredRouteFiles: ["**/*.test.{ts,tsx}", "**/.*"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    // Off: with it, every page matched the routes twice more on the server to inline a partial
    // manifest (0.5 ms of an entity page's 13, measured) and each link asked for more on the way.
    // The whole manifest is one script of 16 KB (about 3 KB compressed), cached for a year.
    v3_lazyRouteDiscovery: false,
  },
};
