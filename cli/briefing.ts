// `npm run kpi -- briefing --period 2018-12 --lang ar --out FILE.pdf`: a month's briefing book
// written to a file. The same code as the server's background preparation (prepareBook: the
// book's document rendered here, in this process, and printed through this process's Chromium
// queue), with no server to start: the book is one self-contained document.
import { writeFileSync } from "node:fs";
import { prepareBook, type PrintDocument } from "../app/briefing/print.server";
import { chromiumPath, closeSharedBrowser } from "../app/exports/pdf.server";
import { parsePeriod, viewBounds } from "../app/figures/month";
import { isLocale } from "../app/i18n/locale";
import { hasApprovedFigures } from "../app/models/briefing-books.server";
import { parseEnv, planSettings } from "../app/utils/env.server";
import { getDatabase } from "../db/index";
import { parseOptions, type Io } from "./run";

export const BRIEFING_USAGE = `Usage: npm run kpi -- briefing --period YYYY-MM --lang en|ar --out FILE.pdf

Writes the month's briefing book (cover, contents, executive summary, city headline, league
table, heatmap, plans due or overdue, then each entity) as a PDF, printed by Chromium
(CHROMIUM_PATH, default /usr/bin/chromium).`;

export async function runBriefing(args: string[], io: Io, hooks: { print?: PrintDocument } = {}): Promise<number> {
  const options = parseOptions(args, ["--period", "--lang", "--out"]);
  if (!options.ok) {
    io.err(`${options.error}\n\n${BRIEFING_USAGE}`);
    return 2;
  }
  const { "--period": period, "--lang": language, "--out": out } = options.values;
  const month = parsePeriod(period, viewBounds(io.now));
  if (!month.ok) {
    io.err(
      `kpi briefing needs --period as YYYY-MM${month.problem === "out-of-range" ? ` from ${month.bounds.earliest} to ${month.bounds.latest}` : ""}${period === undefined ? "" : `, got "${period}"`}\n\n${BRIEFING_USAGE}`,
    );
    return 2;
  }
  if (!isLocale(language)) {
    io.err(`kpi briefing needs --lang en or --lang ar${language === undefined ? "" : `, got "${language}"`}\n\n${BRIEFING_USAGE}`);
    return 2;
  }
  if (out === undefined || out.trim() === "") {
    io.err(`kpi briefing needs --out FILE.pdf\n\n${BRIEFING_USAGE}`);
    return 2;
  }
  const env = parseEnv(io.env);
  const db = getDatabase(env.DATABASE_PATH);
  if (!hasApprovedFigures(db, month.period)) {
    io.err(`${month.period} has no approved figures: there is no briefing book to print`);
    return 1;
  }
  if (!hooks.print && !chromiumPath()) {
    io.err(`no Chromium at ${io.env.CHROMIUM_PATH ?? "/usr/bin/chromium"} (CHROMIUM_PATH): the book cannot be printed`);
    return 1;
  }
  const started = performance.now();
  try {
    const book = await prepareBook(db, { period: month.period, language, settings: planSettings(env), now: io.now }, { print: hooks.print });
    try {
      writeFileSync(out, book.pdf);
    } catch (error) {
      io.err(`cannot write ${out}: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    io.out(
      `wrote ${out}: the ${language === "ar" ? "Arabic" : "English"} briefing book of ${month.period}, ${book.pages} pages, ` +
        `${data(book.pdf.length)}, printed ${book.passes} times in ${seconds} s` +
        (book.condensed.length > 0 ? `; condensed to fit two pages: ${book.condensed.join(", ")}` : ""),
    );
    return 0;
  } catch (error) {
    io.err(`the briefing book of ${month.period} could not be printed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    // The shared Chromium would otherwise keep the command running until its idle timer.
    if (!hooks.print) await closeSharedBrowser();
  }
}

const data = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
