// The monthly briefing book, as an executive gets it: December 2018 prepared from the page in
// English and in Arabic (the second waits for the first: one Chromium queue), the progress shown,
// then both downloaded and read back with poppler: the pages (cover, contents, the city's sections,
// one page per entity, two at most), every entity's name on its own page, the contents' numbers
// and the bookmarks. A few Arabic pages are rendered to tests/e2e/screenshots for a person to read.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, newPage, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const MONTH = "2018-12";
const SECTIONS = ["summary", "headline", "league", "heatmap", "follow-up"];
let browser: Browser;
const dir = mkdtempSync(path.join(tmpdir(), "briefing-e2e-"));

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const poppler = (tool: string, ...args: string[]) => execFileSync(tool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

/** Named destinations (the contents' link targets) and the page each is on, from `pdfinfo -dests`. */
function destinations(file: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of poppler("pdfinfo", "-dests", file).split("\n")) {
    const match = /^\s*(\d+)\s+\[.*\]\s+"([^"]+)"\s*$/.exec(line);
    if (match) found.set(match[2], Number(match[1]));
  }
  return found;
}

/** The bookmarks' titles, from pdftohtml's outline. */
function bookmarks(file: string): string[] {
  const xml = poppler("pdftohtml", "-xml", "-i", "-q", "-stdout", file);
  return [...xml.matchAll(/<item page="\d+">([^<]*)<\/item>/g)].map((m) => m[1].replace(/&amp;/g, "&").replace(/&#39;/g, "'").trim());
}

/**
 * poppler writes a lam-alef ligature's two letters in the order the glyph carries them, which in
 * right-to-left text comes out swapped ("اإلدارة" for "الإدارة"): every PDF reader built on an
 * extractor that reverses visual order does (pdfminer.six#850, PyMuPDF#2199). The name is looked
 * for as written, or as poppler writes it.
 */
const asPopplerWrites = (name: string) => name.replace(/ل([اأإآ])/g, "$1ل");
/** A page's text, without bidi marks, its lines joined: a long name may wrap. */
const pageText = (file: string, page: number) =>
  poppler("pdftotext", "-f", String(page), "-l", String(page), file, "-")
    .replace(/[\u200e\u200f\u202a-\u202e]/g, "")
    .replace(/\s+/g, " ");

async function prepare(page: Page, language: "English" | "Arabic") {
  const card = page.getByRole("region", { name: `In ${language}` });
  await card.getByRole("button", { name: "Prepare the briefing book" }).click();
  await card.getByRole("status").filter({ hasText: /being prepared|already being prepared|Waiting for the printer/ }).first().waitFor();
  return card;
}

describe("the monthly briefing book", () => {
  it(
    "an executive prepares December 2018 in English and Arabic from the page, watches it progress, and downloads both",
    async () => {
      const { context, page } = await newPage(browser, "en-US");
      await signIn(page, baseURL, "executive@example.com");
      await page.getByRole("link", { name: "Briefing book" }).click();
      await page.waitForURL(/\/briefing/);
      await page.goto(`${baseURL}/briefing?period=${MONTH}`);
      await page.getByRole("heading", { name: "Monthly briefing book", level: 1 }).waitFor();

      const started = Date.now();
      const english = await prepare(page, "English");
      const arabic = await prepare(page, "Arabic");
      // While they are prepared the page shows how far each has got, and asks again by itself.
      await page.getByRole("progressbar").first().waitFor();
      await screenshot(page, "briefing-progress-en");
      for (const card of [english, arabic]) {
        await card.getByRole("link", { name: /Download the book \(PDF, [\d.]+ MB\)/ }).waitFor({ timeout: 100_000 });
        await card.getByText("Up to date with the month's data.").waitFor();
      }
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(`briefing books of ${MONTH}, English and Arabic, ready ${seconds} s after asking`);
      await screenshot(page, "briefing-ready-en");
      // Ready and current: nothing to prepare again.
      expect(await english.getByRole("button").count()).toBe(0);
      // The same page in Arabic.
      await page.goto(`${baseURL}/briefing?period=${MONTH}&lang=ar`);
      await page.getByRole("heading", { name: "كتيّب الإحاطة الشهري", level: 1 }).waitFor();
      expect(await page.getByRole("link", { name: /^تنزيل الكتيّب/ }).count()).toBe(2);
      expect(await page.getByText("محدّث ببيانات الشهر.").count()).toBe(2);
      await screenshot(page, "briefing-ready-ar");

      for (const language of ["en", "ar"] as const) {
        const response = await page.request.get(`${baseURL}/briefing/${MONTH}/download?lang=${language}`);
        expect(response.status()).toBe(200);
        expect(response.headers()["content-type"]).toBe("application/pdf");
        expect(response.headers()["content-disposition"]).toBe(`attachment; filename="briefing-book-${MONTH}-${language}.pdf"`);
        writeFileSync(path.join(dir, `${language}.pdf`), await response.body());
      }
      await context.close();
    },
    150_000,
  );

  for (const language of ["en", "ar"] as const) {
    it(`the ${language === "en" ? "English" : "Arabic"} book: its pages, every entity, the contents' numbers and the bookmarks`, async () => {
      const file = path.join(dir, `${language}.pdf`);
      const info = poppler("pdfinfo", file);
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
      expect(info).toMatch(/^Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/m);
      expect(info).toMatch(/^Tagged:\s+yes/m);
      expect(info).toMatch(language === "en" ? /^Title:\s+Monthly briefing book · December 2018$/m : /^Title:\s+كتيّب الإحاطة الشهري · ديسمبر 2018$/m);

      // The entities, in the register's order, as the app names them.
      const database = new Database(inject("databasePath"), { readonly: true });
      const entities = database
        .prepare("SELECT code, name_en AS nameEn, name_ar AS nameAr FROM entities WHERE retired_at IS NULL ORDER BY position")
        .all() as Array<{ code: string; nameEn: string; nameAr: string }>;
      database.close();
      expect(entities).toHaveLength(21);

      // Cover, contents, the five sections of the city, then each entity on a page of its own, two at most.
      const dests = destinations(file);
      expect(SECTIONS.map((s) => dests.get(s))).toEqual([3, 4, 5, 6, 7]);
      const starts = entities.map((e) => dests.get(`entity-${e.code}`)!);
      expect(starts.every((p) => Number.isInteger(p))).toBe(true);
      expect(starts[0]).toBeGreaterThan(7);
      const spans = starts.map((start, i) => (starts[i + 1] ?? pages + 1) - start);
      expect(spans.every((n) => n >= 1 && n <= 2), `entity page spans ${spans.join(",")}`).toBe(true);
      const followUpPages = starts[0] - 7;
      expect(pages).toBe(2 + 4 + followUpPages + spans.reduce((a, b) => a + b, 0));
      console.log(`${language}: ${pages} pages = cover + contents + 4 city sections + ${followUpPages} of plans + ${spans.reduce((a, b) => a + b, 0)} for ${entities.length} entities`);

      // Every entity's name on its own first page, and its number in the contents.
      const contents = pageText(file, 2);
      for (const [i, entity] of entities.entries()) {
        const name = language === "ar" ? entity.nameAr : entity.nameEn;
        const text = pageText(file, starts[i]);
        expect(text.includes(name) || text.includes(asPopplerWrites(name)), `${name} on page ${starts[i]}`).toBe(true);
        expect(contents.includes(name) || contents.includes(asPopplerWrites(name)), `${name} in the contents`).toBe(true);
      }
      const numbers = new Set(contents.match(/\d+/g));
      for (const page of [...SECTIONS.map((s) => dests.get(s)!), ...starts]) expect(numbers.has(String(page)), `page ${page} in the contents`).toBe(true);
      if (language === "en") {
        // Set out as a contents page is: each title, then its page.
        const layout = poppler("pdftotext", "-layout", "-f", "2", "-l", "2", file, "-");
        for (const [i, entity] of entities.entries()) {
          const escaped = entity.nameEn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");
          expect(layout, entity.nameEn).toMatch(new RegExp(`${escaped}\\s+${starts[i]}\\b`));
        }
      }

      // Bookmarks: the book, its contents, the city's sections and every entity.
      const marks = bookmarks(file);
      for (const entity of entities) expect(marks).toContain(language === "ar" ? entity.nameAr : entity.nameEn);
      expect(marks).toContain(language === "ar" ? "المحتويات" : "Contents");
      expect(marks.length).toBeGreaterThanOrEqual(1 + 6 + entities.length);

      // A few pages as pictures, for a person to read: the cover, the headline's chart, the heatmap
      // and the first entity.
      const shots = path.resolve("tests/e2e/screenshots");
      mkdirSync(shots, { recursive: true });
      for (const [label, page] of [["cover", 1], ["headline", 4], ["heatmap", 6], ["entity", starts[0]]] as const) {
        execFileSync("pdftoppm", ["-r", "70", "-png", "-singlefile", "-f", String(page), "-l", String(page), file, path.join(shots, `briefing-${language}-${label}`)]);
      }
    });
  }

  it("a focal point is not offered the book and cannot fetch it", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "focal.rta@example.com");
    await page.goto(`${baseURL}/?period=${MONTH}`);
    expect(await page.getByRole("link", { name: "Briefing book" }).count()).toBe(0);
    expect((await page.request.get(`${baseURL}/briefing?period=${MONTH}`)).status()).toBe(403);
    expect((await page.request.get(`${baseURL}/briefing/${MONTH}/download?lang=en`)).status()).toBe(403);
    await context.close();
  });
});
