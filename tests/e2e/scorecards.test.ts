import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, newPage, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

// Without the invisible marks and bidi isolates around numbers (decision 22): the words as read.
const plain = (s: string | null) => (s ?? "").replace(/[\u200e\u200f\u061c\u2066-\u2069]/g, "").trim();

/** Runs axe-core in the page and returns its violations (rule id and a target each). */
async function axeViolations(page: Page) {
  const source = readFileSync(path.resolve("node_modules/axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
}

describe("an executive's month", () => {
  for (const locale of ["en-US", "ar-AE"] as const) {
    const ar = locale === "ar-AE";
    it(`sees the overview, changes the month, opens an entity and a KPI (${ar ? "Arabic" : "English"})`, async () => {
      const { context, page } = await newPage(browser, locale);
      await signIn(page, baseURL, "executive@example.com");
      await page.goto(`${baseURL}/?period=2018-12`);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(ar ? "نظرة عامة على المدينة" : "City overview");
      const headline = page.locator(".headline");
      expect(plain(await headline.locator(".headline-value").textContent())).toMatch(/^\d{2}(\.\d)?%$/);
      await screenshot(page, `overview-${ar ? "ar" : "en"}`);

      // Change the month with the picker: the address keeps it.
      await page.getByLabel(ar ? "الشهر" : "Month", { exact: true }).selectOption("2016-06");
      await page.locator(".month-form button").click();
      await page.waitForURL(/period=2016-06/);
      await page.waitForFunction((month) => document.querySelector(".lead")?.textContent?.includes(month), ar ? "يونيو 2016" : "June 2016");

      // The menu marks where one is.
      const menu = page.getByRole("navigation", { name: ar ? "التنقل الرئيسي" : "Main", exact: true });
      expect(await menu.locator("[aria-current='page']").textContent()).toBe(ar ? "نظرة عامة على المدينة" : "City overview");

      // Open an entity from the league table. Its links, the scorecard's and the menu's are plain
      // anchors followed by one listener: each is a page change, not a full load (the mark stays).
      await page.evaluate(() => Object.assign(window, { loadedOnce: true }));
      await page.locator(".league").getByRole("link", { name: ar ? "بلدية دبي" : "Dubai Municipality" }).click();
      await page.waitForURL(/\/entities\/DM\?period=2016-06/);
      await page.getByRole("heading", { level: 1, name: ar ? "بلدية دبي: بطاقة الأداء" : "Dubai Municipality: scorecard" }).waitFor();
      await screenshot(page, `entity-${ar ? "ar" : "en"}`);

      // And a KPI from the scorecard.
      await page.locator(".scorecard").getByRole("link").first().click();
      await page.waitForURL(/\/kpis\/[A-Z_]+\?period=2016-06/);
      await page.locator(".scorecard").waitFor();
      await screenshot(page, `kpi-page-${ar ? "ar" : "en"}`);
      expect(await menu.locator("[aria-current='page']").textContent()).toBe(ar ? "دليل المؤشرات" : "KPI catalogue");
      await menu.getByRole("link", { name: ar ? "دليل المؤشرات" : "KPI catalogue" }).click();
      await page.waitForURL(/\/kpis$/);
      expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
      expect(await page.getAttribute("html", "dir")).toBe(ar ? "rtl" : "ltr");
      await context.close();
    });
  }

  it("the entity page shows the numbers `kpi report` prints for the same month", async () => {
    const report = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", "cli/kpi.ts", "report", "--period", "2018-12"], {
        env: { ...process.env, DATABASE_PATH: inject("databasePath") },
        encoding: "utf8",
      }),
    ) as { rows: Array<{ kpi: string; entity: string | null; actual: number | null; target: number | null; achievement: number | null; status: string }> };
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "executive@example.com");
    await page.goto(`${baseURL}/entities/DM?period=2018-12`);
    const rows = page.locator(".scorecard tbody tr");
    const count = await rows.count();
    const expected = report.rows.filter((r) => r.entity === "DM");
    expect(count).toBe(expected.length);
    for (let i = 0; i < count; i++) {
      const tr = rows.nth(i);
      const kpi = await tr.getAttribute("data-kpi");
      const row = expected.find((r) => r.kpi === kpi)!;
      const number = async (n: number) => {
        const v = await tr.locator("td").nth(n).getAttribute("data-value");
        return v === "" ? null : Number(v);
      };
      expect({ kpi, actual: await number(0) }).toEqual({ kpi, actual: row.actual });
      expect({ kpi, target: await number(1) }).toEqual({ kpi, target: row.target });
      expect({ kpi, achievement: await number(2) }).toEqual({ kpi, achievement: row.achievement });
      expect({ kpi, status: await tr.locator("td").nth(3).getAttribute("data-status") }).toEqual({ kpi, status: row.status });
      // The shown text is the same number, formatted.
      if (row.actual !== null && kpi === "SMART_ADOPTION") {
        expect(plain(await tr.locator("td").nth(0).textContent())).toBe(`${(Math.round(row.actual * 10) / 10).toString()}%`);
      }
    }
    await context.close();
  });

  it("a focal point opens their own scorecard but not another entity's, even by typing the address", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "focal.rta@example.com");
    expect((await page.goto(`${baseURL}/entities/RTA?period=2018-12`))?.status()).toBe(200);
    expect((await page.goto(`${baseURL}/entities/DEWA?period=2018-12`))?.status()).toBe(403);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Not allowed");
    expect((await page.goto(`${baseURL}/entities/NOPE`))?.status()).toBe(403);
    await page.goto(`${baseURL}/?period=2018-12`);
    // The league table links only their own entity.
    expect(await page.locator(".league tbody a").count()).toBe(1);
    expect(await page.locator(".league tbody a").textContent()).toBe("Roads and Transport Authority");
    await context.close();
  });

  it("says so in words when a month has no figures", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "executive@example.com");
    await page.goto(`${baseURL}/?period=2013-06`);
    expect(await page.getByText("No approved figures for June 2013.", { exact: false }).count()).toBe(1);
    await page.goto(`${baseURL}/entities/DM?period=2013-06`);
    expect(await page.getByText("Dubai Municipality has no approved figures for June 2013.").count()).toBe(1);
    expect((await page.goto(`${baseURL}/?period=2018-13`))?.status()).toBe(400);
    await context.close();
  });

  it("prints a scorecard on A4 landscape with the period", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await signIn(page, baseURL, "executive@example.com");
    await page.goto(`${baseURL}/entities/RTA?period=2018-12`);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".print-header").isVisible()).toBe(true);
    expect(plain(await page.locator(".print-header").textContent())).toContain("الفترة: ديسمبر 2018");
    const pdf = await page.pdf({ format: "A4", landscape: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
    await context.close();
  });
});

describe("accessibility", () => {
  for (const [name, url] of [
    ["overview", "/?period=2018-12"],
    ["entity scorecard", "/entities/DM?period=2018-12"],
    ["KPI page", "/kpis/SMART_ADOPTION?period=2018-12"],
    ["strategy page", "/strategy/policies/smart-gov-80-2018?period=2018-12"],
    ["catalogue", "/kpis"],
  ] as const) {
    for (const locale of ["en-US", "ar-AE"] as const) {
      it(`${name} (${locale}) has no axe violations`, async () => {
        const { context, page } = await newPage(browser, locale);
        await signIn(page, baseURL, "executive@example.com");
        await page.goto(`${baseURL}${url}`);
        expect(await axeViolations(page)).toEqual([]);
        await context.close();
      });
    }
  }
});
