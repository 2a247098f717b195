// Printing that holds: the PDFs a reader takes away, read back with pdftotext (poppler-utils),
// in English and Arabic. The server's PDF (/export/pdf, what the PDF link gives) and a browser's
// own print (page.pdf without switching to print media first: only `beforeprint` tells the page,
// as with Ctrl+P) both go through the page's print stylesheet.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, newPage, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;
const dir = mkdtempSync(path.join(tmpdir(), "print-test-"));

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Text as compared here: without direction marks, and without white space, since pdftotext
 * breaks Arabic words where the glyphs' spacing suggests a gap ("مق ابل" for "مقابل").
 */
const squeeze = (s: string) => s.replace(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, "").replace(/\s+/g, "");

/** Each page's text, squeezed. */
function pdfPages(bytes: Buffer): string[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
  return text.split("\f").filter((page) => page.trim() !== "").map(squeeze);
}

const WORDS = {
  "en-US": { lang: "en", pdf: "Download PDF", print: "Print", csv: "Download CSV", excel: "Download Excel", download: "Download", history: "History", lastMonth: "Dec 18" },
  "ar-AE": { lang: "ar", pdf: "تنزيل PDF", print: "طباعة", csv: "تنزيل CSV", excel: "تنزيل Excel", download: "تنزيل", history: "السجل", lastMonth: "ديسمبر 18" },
} as const;


/** The server's PDF of `pagePath`, through the PDF link's own address, as the signed-in reader. */
async function serverPdf(page: Page, pagePath: string, lang: string): Promise<string[]> {
  const answer = await page.request.get(`${baseURL}/export/pdf?${new URLSearchParams({ path: pagePath, lang })}`);
  expect(answer.status()).toBe(200);
  expect(answer.headers()["content-type"]).toBe("application/pdf");
  return pdfPages(await answer.body());
}

describe("a printed scorecard", () => {
  for (const locale of ["en-US", "ar-AE"] as const) {
    const w = WORDS[locale];
    it(`an executive's scorecard PDF starts with its table, prints every Why sentence and nothing to press (${locale})`, async () => {
      const { context, page } = await newPage(browser, locale);
      await signIn(page, baseURL, "executive@example.com");
      await page.goto(`${baseURL}/entities/RTA?period=2018-12`);
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
      // An executive may print what they read, and is not offered the data.
      expect(await page.getByRole("link", { name: w.pdf }).count()).toBe(1);
      expect(await page.getByRole("button", { name: w.print, exact: true }).count()).toBe(1);
      expect(await page.getByRole("link", { name: w.csv }).count()).toBe(0);
      expect(await page.getByRole("link", { name: w.excel }).count()).toBe(0);
      // The sentences folded under "Why?" on screen.
      const why = (await page.locator(".why details p").allTextContents()).map(squeeze);
      expect(why.length).toBeGreaterThan(5);

      const pages = await serverPdf(page, "/entities/RTA?period=2018-12", w.lang);
      const all = pages.join("");
      // Page one has the table, its first row's sentence included, not only the print header.
      expect(pages[0]).toContain(why[0].slice(0, 16));
      for (const sentence of why) expect(all).toContain(sentence.slice(0, 16));
      // No export links, no Print button, no history links: nothing on paper to press.
      expect(all).not.toContain(squeeze(w.download));
      expect(all).not.toContain(squeeze(w.history));
      expect(all.replaceAll(squeeze(locale === "en-US" ? "Printed" : "طُبع"), "")).not.toContain(squeeze(w.print));
      await context.close();
    });
  }

  it("a focal point prints their own scorecard, and is refused another entity's", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "focal.rta@example.com");
    await page.goto(`${baseURL}/entities/RTA?period=2018-12`);
    expect(await page.getByRole("link", { name: "Download PDF" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Download CSV" }).count()).toBe(0);
    const pages = await serverPdf(page, "/entities/RTA?period=2018-12", "en");
    expect(pages[0]).toContain(squeeze("Roads and Transport Authority: scorecard"));
    const refused = await page.request.get(`${baseURL}/export/pdf?${new URLSearchParams({ path: "/entities/DEWA?period=2018-12" })}`);
    expect(refused.status()).toBe(403);
    await context.close();
  });
});

describe("a printed overview", () => {
  for (const locale of ["en-US", "ar-AE"] as const) {
    const w = WORDS[locale];
    it(`the headline chart fits the page with every axis label, to the deadline month, from the server and from the browser (${locale})`, async () => {
      const { context, page } = await newPage(browser, locale);
      await signIn(page, baseURL, "executive@example.com");

      const fromServer = await serverPdf(page, "/?period=2018-12", w.lang);
      // The chart (drawn in the page: decision 26) is on one of the first two pages, after the
      // executive summary, with its last month (December 2018, when the 80% fell due) and its
      // whole value axis on that page: a chart drawn for the screen once lost the first in
      // English, the second in Arabic.
      await page.goto(`${baseURL}/?period=2018-12`);
      const axis = squeeze((await page.locator(".still-wide svg g > text[dominant-baseline]").allTextContents()).reverse().join(" "));
      expect(axis.length).toBeGreaterThan(4);
      const chartPage = (pages: string[]) => pages.slice(0, 2).find((text) => text.includes(squeeze(w.lastMonth))) ?? "";
      expect(chartPage(fromServer)).toContain(axis);
      expect(fromServer.join("")).not.toContain(squeeze(w.download));

      // Ctrl+P in the browser: the same chart, the wide drawing, on the page.
      const fromBrowser = pdfPages(await page.pdf({ format: "A4", landscape: true, printBackground: true, preferCSSPageSize: true }));
      expect(chartPage(fromBrowser)).toContain(squeeze(w.lastMonth));
      expect(chartPage(fromBrowser)).toContain(axis);
      expect(fromBrowser.join("")).not.toContain(squeeze(w.download));
      await context.close();
    });
  }

  it("the Print button draws the charts below the screen before it opens the print dialog", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await page.setViewportSize({ width: 1280, height: 500 });
    await signIn(page, baseURL, "executive@example.com");
    await page.goto(`${baseURL}/kpis/SMART_ADOPTION?period=2018-12`);
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
    // The entities' chart is far below the first screen: not drawn yet.
    expect(await page.locator(".chart-box .chart-placeholder").count()).toBeGreaterThan(0);
    // The dialog itself cannot be driven headless: note what the page held when it was asked for.
    await page.evaluate(() => {
      const scope = window as unknown as { placeholdersAtPrint: number | null };
      scope.placeholdersAtPrint = null;
      window.print = () => {
        scope.placeholdersAtPrint = document.querySelectorAll(".chart-box .chart-placeholder").length;
      };
    });
    await page.getByRole("button", { name: "طباعة", exact: true }).click();
    await page.waitForFunction(() => (window as unknown as { placeholdersAtPrint: number | null }).placeholdersAtPrint !== null);
    expect(await page.evaluate(() => (window as unknown as { placeholdersAtPrint: number }).placeholdersAtPrint)).toBe(0);
    await context.close();
  });
});
