// Shared by every vitest file (unit, component and integration).
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";
import { logger } from "../app/utils/log.server";

// vitest runs without globals, so Testing Library cannot unmount between tests by itself.
afterEach(() => cleanup());

// jsdom has no ResizeObserver, which charts measure their box with.
const scope = globalThis as { ResizeObserver?: unknown; window?: unknown };
if (scope.window !== undefined && scope.ResizeObserver === undefined) {
  scope.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// A console.error or an error logged by the app during a test is a failure: React warnings and
// swallowed errors hide bugs.
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
  vi.spyOn(logger(), "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  if (errors.length > 0) {
    const first = errors[0].map((a) => (a instanceof Error ? a.stack : typeof a === "object" && a !== null && "err" in a ? String((a as { err: unknown }).err) : String(a))).join(" ");
    throw new Error(`console.error was called ${errors.length} time(s); first: ${first}`);
  }
});
