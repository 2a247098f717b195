// Printing a month's briefing book: the one code path of the background preparation and of
// `npm run kpi -- briefing`. The book is printed, the page each part landed on is read back from
// the PDF (its contents' links are named destinations), and it is printed again with those numbers
// in its contents; the numbers fill slots of fixed width, so the second printing lands every part
// on the same page, which is checked. An entity that ran past two pages is printed again with its
// words shortened (book.tsx, BUDGETS).
import type { Db } from "../../db/index";
import { pdfQueue, PDF_QUEUE_OPTIONS } from "../exports/pdf.server";
import type { Locale } from "../i18n/locale";
import { bookDataVersion } from "../models/briefing-books.server";
import { entityAnchor, MOST_CONDENSED, SECTIONS } from "./book";
import { briefingBookData, type BookData, type BookSettings } from "./data.server";
import { inlineFontFaces } from "./fonts.server";
import { readPdfPages } from "./pdf-pages";
import { renderBookHtml } from "./render.server";

/** Prints a whole HTML document to a PDF. */
export type PrintDocument = (html: string) => Promise<Buffer>;

export interface PrintedBook {
  pdf: Buffer;
  pages: number;
  /** How many times it was printed (2 for most books). */
  passes: number;
  /** The entities whose words were shortened further to fit two pages. */
  condensed: string[];
}

/** An entity's pages at most. */
export const MAX_ENTITY_PAGES = 2;
/** Printings at most: two for the numbers, and one for each level an entity is shortened by. */
const MAX_PASSES = 2 + MOST_CONDENSED + 1;

export class BookLayoutError extends Error {}

/** The book of `data`, printed by `print` until its contents' numbers are its pages'. */
export async function printBook(data: BookData, print: PrintDocument, onPass?: (pass: number) => void): Promise<PrintedBook> {
  const fontFaces = inlineFontFaces();
  const condensed = new Map<string, number>();
  let numbers: Map<string, number> | null = null;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const known = numbers;
    const html = renderBookHtml(data, { pageOf: (anchor) => known?.get(anchor) ?? null, condensed, fontFaces });
    const pdf = await print(html);
    onPass?.(pass);
    const read = readPdfPages(pdf);
    if (!read) throw new BookLayoutError("the printed book's pages could not be read");
    const anchors = [...SECTIONS, ...data.entities.map((e) => entityAnchor(e.code))];
    const missing = anchors.filter((a) => !read.destinations.has(a));
    if (missing.length > 0) throw new BookLayoutError(`the printed book has no page for ${missing.join(", ")}`);
    const found = new Map(anchors.map((a) => [a, read.destinations.get(a)!]));
    const starts = data.entities.map((e) => found.get(entityAnchor(e.code))!);
    const long = data.entities.filter(
      (e, i) => (starts[i + 1] ?? read.pages + 1) - starts[i] > MAX_ENTITY_PAGES && (condensed.get(e.code) ?? 0) < MOST_CONDENSED,
    );
    if (long.length > 0 && pass < MAX_PASSES) {
      for (const e of long) condensed.set(e.code, (condensed.get(e.code) ?? 0) + 1);
      // Condensing moves every later page: the numbers are read again.
      numbers = null;
      continue;
    }
    if (known && anchors.every((a) => known.get(a) === found.get(a))) {
      return { pdf, pages: read.pages, passes: pass, condensed: [...condensed.keys()] };
    }
    numbers = found;
  }
  throw new BookLayoutError(`the contents' page numbers did not settle in ${MAX_PASSES} printings`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prints through the process's one Chromium queue, as every PDF is: a book waits its turn like a
 * page's PDF, and when the queue is full it asks again a little later rather than giving up.
 */
export function queuedPrinter(locale: Locale, retry = { everyMs: 2_000, attempts: 60 }): PrintDocument {
  return async (html) => {
    for (let attempt = 0; ; attempt++) {
      const outcome = await pdfQueue().submit({ html, locale: locale === "ar" ? "ar-AE" : "en-US" });
      if (outcome.kind === "done") return outcome.value;
      if (outcome.kind === "busy" && attempt < retry.attempts) {
        await sleep(retry.everyMs);
        continue;
      }
      if (outcome.kind === "busy") throw new Error("the printer stayed busy");
      if (outcome.kind === "timed-out") throw new Error(`a printing took longer than ${PDF_QUEUE_OPTIONS.timeoutMs} ms`);
      throw outcome.error;
    }
  };
}

export interface PreparedBook extends PrintedBook {
  /** What the month's data was when the book was built (bookDataVersion). */
  dataVersion: string;
}

/**
 * A month's book in one language, as of `now`: its data read (and the version of that data noted
 * first, so a change made while it prints leaves it out of date, never wrongly current), then printed.
 */
export async function prepareBook(
  db: Db,
  request: { period: string; language: Locale; settings: BookSettings; now: Date },
  hooks: { print?: PrintDocument; onProgress?: (progress: number) => void } = {},
): Promise<PreparedBook> {
  const dataVersion = bookDataVersion(db, request.period);
  const data = briefingBookData(db, request.period, request.language, request.settings, request.now);
  hooks.onProgress?.(20);
  const printed = await printBook(data, hooks.print ?? queuedPrinter(request.language), (pass) =>
    hooks.onProgress?.(Math.min(95, 20 + pass * 35)),
  );
  return { ...printed, dataVersion };
}
