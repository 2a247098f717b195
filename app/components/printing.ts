// Whether the page is being printed, for the parts that must change for paper: the charts
// redraw at a width that fits A4 landscape (a chart drawn for the screen is wider than the page
// and was cut off: the last years in English, the value axis in Arabic), and folded <details>
// (the "Why?" sentences, the charts' figures) open.
//
// A browser prints the page as it is laid out when `beforeprint` returns, so whatever changes
// for print is rendered synchronously there (flushSync), not on React's next tick. The server's
// PDF (app/exports/pdf.server.ts) switches the page to print media first, then prints: both
// paths end here.
import { useSyncExternalStore } from "react";
import { flushSync } from "react-dom";

/**
 * The width a chart is drawn at in print, in CSS pixels: about 249 mm, inside A4 landscape's
 * 273 mm between the @page margins, with room for a card's padding around it. The print
 * stylesheet gives the chart's box this width too (`--chart-print-width`, set by ChartBox).
 */
export const PRINT_CHART_WIDTH = 940;

/** Sent by the Print button before it prints: charts not yet drawn start drawing. */
export const PREPARE_PRINT_EVENT = "smart-compliance:prepare-print";

let printing = false;
const listeners = new Set<() => void>();
let installed = false;
/** The <details> opened for print, to fold again afterwards. */
let opened: HTMLDetailsElement[] = [];

function apply(value: boolean) {
  printing = value;
  if (value) {
    opened = [...document.querySelectorAll<HTMLDetailsElement>("main details:not([open])")];
    for (const details of opened) details.open = true;
  } else {
    for (const details of opened) details.open = false;
    opened = [];
  }
}

function setPrinting(value: boolean) {
  if (value === printing) return;
  apply(value);
  flushSync(() => {
    for (const listener of listeners) listener();
  });
}

/** Listens for print, once per page: from the root, and from any part that asks. */
export function installPrintListeners() {
  if (installed || typeof window === "undefined") return;
  installed = true;
  // jsdom has no matchMedia; beforeprint and afterprint alone still work there.
  const media = typeof window.matchMedia === "function" ? window.matchMedia("print") : null;
  window.addEventListener("beforeprint", () => setPrinting(true));
  // After a real print the media is the screen's again; after the server's PDF it stays print.
  window.addEventListener("afterprint", () => setPrinting(media?.matches ?? false));
  media?.addEventListener("change", (event) => setPrinting(event.matches));
  // Called from effects, where React may not be flushed: the parts read the value as they mount.
  if (media?.matches) apply(true);
}

function subscribe(listener: () => void) {
  installPrintListeners();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** True while the page is printed (or shown as print media); false on the server. */
export function usePrinting(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => printing,
    () => false,
  );
}

/**
 * The Print button: charts below the screen are drawn first (their code loads on demand), for
 * up to `waitMs`, then the browser's print dialog opens.
 */
export async function printWhenReady(waitMs = 3_000) {
  window.dispatchEvent(new Event(PREPARE_PRINT_EVENT));
  const deadline = performance.now() + waitMs;
  while (document.querySelector(".chart-box .chart-placeholder") && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  window.print();
}
