// A page as PDF, printed by headless Chromium from the page's own print stylesheet: the PDF
// libraries break Arabic shaping and right-to-left order; Chromium does not.
//
// One Chromium per server process, shared by every print (each in its own browser context),
// behind a short queue: a browser per request once meant 55 Chromium processes for six PDFs.
// docs/decisions/0006-pdf-export-queue.md.
import { existsSync } from "node:fs";
import type { Browser, BrowserContext } from "playwright-core";
import { STRATEGY_KINDS } from "~/compliance/strategy-kinds";
import { CHROMIUM_FLAGS } from "./chromium-flags";
import { PrintQueue, type PrintQueueOptions } from "./pdf-queue.server";

export function chromiumPath(): string | null {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(candidate) ? candidate : null;
}

// ---------------------------------------------------------------------------------------------
// What may be printed

/** Longer than any page's address with its period and language, far shorter than a trick. */
export const MAX_PRINT_PATH_LENGTH = 500;

// The pages that carry a PDF link, and nothing else: no /export (a print printing itself), no
// /api, no other host. Codes as the definitions allow them (definitions/schema.ts).
const PRINTABLE_PAGES: readonly RegExp[] = [
  /^\/$/,
  /^\/entities\/[A-Z0-9_-]{1,64}$/,
  /^\/kpis\/[A-Z][A-Z0-9_]{0,63}$/,
  new RegExp(`^/strategy/(?:${STRATEGY_KINDS.join("|")})/[a-z0-9][a-z0-9-]{0,63}$`),
];
// Only plain words in the query (period=2018-12&lang=ar): no percent-escapes to decode into
// something else, no second "?" or "#".
const QUERY = /^[A-Za-z0-9_.=&-]*$/;
const QUERY_KEY = /^[a-z][A-Za-z]{0,31}$/;

/**
 * `raw` as the address of a printable page (`/`, `/entities/CODE`, `/kpis/CODE`,
 * `/strategy/KIND/CODE`, each with an optional plain query), or null for anything else.
 */
export function printablePath(raw: string | null): string | null {
  if (raw === null || raw.length === 0 || raw.length > MAX_PRINT_PATH_LENGTH) return null;
  const q = raw.indexOf("?");
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? "" : raw.slice(q + 1);
  if (!PRINTABLE_PAGES.some((page) => page.test(pathname)) || !QUERY.test(query)) return null;
  const params = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(query)) {
    if (!QUERY_KEY.test(key)) return null;
    // The print view is asked for by the printer itself (print media), not by the address.
    if (key !== "print") params.append(key, value);
  }
  const search = params.toString();
  return search === "" ? pathname : `${pathname}?${search}`;
}

/** The entity whose scorecard a printable path is, or null for a city-wide page. */
export function printedEntity(path: string): string | null {
  return /^\/entities\/([^/?]+)/.exec(path)?.[1] ?? null;
}

/** Whether a printing page may load `url`: only our own origin, and never an export. */
export function printMayLoad(url: string, origin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.origin !== origin) return false;
  const path = parsed.pathname.toLowerCase();
  return path !== "/export" && !path.startsWith("/export/") && !path.startsWith("/api/");
}

// ---------------------------------------------------------------------------------------------
// The shared browser

const LAUNCH_ARGS = CHROMIUM_FLAGS;

/** A browser left idle this long is closed: it holds about 150 MB for nothing. */
const IDLE_CLOSE_MS = 60_000;

class SharedBrowser {
  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  private inUse = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** How many Chromiums this process has started, for the tests and the logs. */
  launches = 0;

  async use<T>(work: (browser: Browser) => Promise<T>): Promise<T> {
    this.inUse++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    try {
      return await work(await this.connected());
    } finally {
      this.inUse--;
      if (this.inUse === 0) {
        this.idleTimer = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
        // An idle browser must not keep the process (or a test run) alive.
        this.idleTimer.unref();
      }
    }
  }

  /** The running browser, or a new one when there is none or the last one crashed. */
  private connected(): Promise<Browser> {
    if (this.browser?.isConnected()) return Promise.resolve(this.browser);
    this.launching ??= this.launch().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    const executablePath = chromiumPath();
    if (!executablePath) throw new Error("Chromium is not installed");
    const { chromium } = await import("playwright-core");
    this.launches++;
    // playwright gives the browser a fresh temporary profile and removes it on close.
    const browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    browser.on("disconnected", () => {
      if (this.browser === browser) this.browser = null;
    });
    this.browser = browser;
    return browser;
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const browser = this.browser;
    this.browser = null;
    await browser?.close().catch(() => undefined);
  }
}

declare global {
  // On globalThis for the reason db/index.ts keeps its connection there: Vite's dev reloads
  // would otherwise leave a Chromium behind with every edit.
  var __smartCompliancePdf: { browser: SharedBrowser; queue: PrintQueue<PrintRequest | DocumentPrintRequest, Buffer> } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Printing

export interface PrintRequest {
  /** The page on this server, over loopback. */
  url: string;
  /** The visitor's own cookies: the print shows what they may see, nothing more. */
  cookies: Array<{ name: string; value: string }>;
  /** For Intl in the page: "ar-AE" or "en-US". */
  locale: string;
}

/**
 * A whole HTML document to print as it is (the briefing book): its styles and fonts are inside it,
 * so it loads nothing at all. Printed with bookmarks from its headings and as a tagged PDF.
 */
export interface DocumentPrintRequest {
  html: string;
  /** For Intl in the page: "ar-AE" or "en-US". */
  locale: string;
}

/**
 * One Chromium (2 cores: one for it, one for the server rendering the page it loads), four
 * waiting, and an answer within 30 seconds whatever happens. 0006-pdf-export-queue.md.
 */
export const PDF_QUEUE_OPTIONS: PrintQueueOptions = { concurrency: 1, maxWaiting: 4, timeoutMs: 30_000 };

/** Seconds a person turned away as busy is told to wait: a print takes about two. */
export const BUSY_RETRY_AFTER_SECONDS = 10;

function shared() {
  globalThis.__smartCompliancePdf ??= (() => {
    const browser = new SharedBrowser();
    return {
      browser,
      queue: new PrintQueue((job: PrintRequest | DocumentPrintRequest, signal) => printWith(browser, job, signal), PDF_QUEUE_OPTIONS),
    };
  })();
  return globalThis.__smartCompliancePdf;
}

/** The process's print queue: submit a page (or a whole document), get its PDF, "busy" or "timed-out". */
export function pdfQueue(): PrintQueue<PrintRequest | DocumentPrintRequest, Buffer> {
  return shared().queue;
}

/** How many Chromiums this process has launched. */
export function browserLaunches(): number {
  return globalThis.__smartCompliancePdf?.browser.launches ?? 0;
}

/** Closes the shared Chromium now (tests; a server leaves it to the idle timer). */
export async function closeSharedBrowser(): Promise<void> {
  await globalThis.__smartCompliancePdf?.browser.close();
}

/**
 * Prints `job.url` through the shared browser, outside the queue: for a queue of one's own (the
 * tests give it a shorter timeout); the app goes through pdfQueue().
 */
export function printPage(job: PrintRequest | DocumentPrintRequest, signal: AbortSignal): Promise<Buffer> {
  return printWith(shared().browser, job, signal);
}

/** Prints `job.url` in a context of its own, A4 landscape, once the fonts are ready. */
async function printWith(owner: SharedBrowser, job: PrintRequest | DocumentPrintRequest, signal: AbortSignal): Promise<Buffer> {
  return owner.use(async (browser) => {
    signal.throwIfAborted();
    const context = await browser.newContext({
      locale: job.locale,
      timezoneId: "Asia/Dubai",
      serviceWorkers: "block",
      acceptDownloads: false,
    });
    // Closing the context is what stops a print that overran: goto or pdf then rejects.
    const stop = () => void context.close().catch(() => undefined);
    signal.addEventListener("abort", stop, { once: true });
    try {
      signal.throwIfAborted();
      if ("html" in job) return await printDocument(context, job.html);
      const origin = new URL(job.url).origin;
      // A printed page loads its own scripts, styles and fonts, and nothing else: not another
      // host, and never an export, so a print can never start another print.
      await context.route("**/*", (route) =>
        printMayLoad(route.request().url(), origin) ? route.continue() : route.abort("blockedbyclient"),
      );
      await context.addCookies(
        job.cookies.map((c) => ({ name: c.name, value: c.value, domain: new URL(job.url).hostname, path: "/" })),
      );
      const page = await context.newPage();
      await page.goto(job.url, { waitUntil: "networkidle" });
      await page.emulateMedia({ media: "print" });
      // A chart below the first screen draws only when the page turns to print, and every chart
      // is drawn again at the print width (ChartBox in components/trend-chart.tsx): wait for
      // every chart, but never hold a print for one.
      await page
        .waitForFunction(
          () =>
            [...document.querySelectorAll(".chart-box")].every(
              (box) => box.querySelector('[data-drawn-for="print"] .recharts-wrapper > svg') !== null,
            ),
          undefined,
          { timeout: 5_000 },
        )
        .catch(() => undefined);
      await page.evaluate(() => document.fonts.ready);
      return await page.pdf({ format: "A4", landscape: true, printBackground: true, preferCSSPageSize: true });
    } finally {
      signal.removeEventListener("abort", stop);
      await context.close().catch(() => undefined);
    }
  });
}

/** A whole document, A4 as its stylesheet says, with bookmarks from its headings, tagged. */
async function printDocument(context: BrowserContext, html: string): Promise<Buffer> {
  // It carries its styles and fonts (data: URLs, which are not requests): anything else is refused.
  await context.route("**/*", (route) => route.abort("blockedbyclient"));
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  await page.evaluate(() => document.fonts.ready);
  return await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true, outline: true, tagged: true });
}
