import { defineConfig } from "vitest/config";

// Browser tests: a built server on a temporary database, driven by Debian's Chromium.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    environment: "node",
    // The JSON copy lets .ci/run print one plain "N passed, N failed" line at the end.
    reporters: ["default", ["json", { outputFile: "test-results/e2e.json" }]],
    globalSetup: ["./tests/e2e/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
