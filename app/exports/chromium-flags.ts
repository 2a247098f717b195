// How Debian's Chromium is started headless, here and in the browser tests: without the network
// flags it tries to reach hosts a closed network cannot reach (../shared/stack.md).
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
