// Issue 16, read as an executive would in December 2018, the month the 80% target fell due: the
// headline answers the law above the fold, heatmap cells lead to the entity on the KPI's page,
// what changed comes largest first, and nothing on a phone scrolls sideways.
import { execFileSync } from "node:child_process";
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

const plain = (s: string | null) => (s ?? "").replace(/[\u200e\u200f\u061c\u2066-\u2069]/g, "").replace(/\s+/g, " ").trim();

interface ReportRow {
  kpi: string;
  entity: string | null;
  actual: number | null;
  target: number | null;
  status: string;
}

/** `kpi report` for a month, as a person checking the page by hand would run it. */
function report(period: string): ReportRow[] {
  const out = execFileSync(process.execPath, ["--import", "tsx", "cli/kpi.ts", "report", "--period", period], {
    env: { ...process.env, DATABASE_PATH: inject("databasePath") },
    encoding: "utf8",
  });
  return (JSON.parse(out) as { rows: ReportRow[] }).rows;
}

async function sideways(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe("the headline answers the law", () => {
  let rows: ReportRow[] = [];
  let short: ReportRow[] = [];
  let meets: ReportRow[] = [];
  beforeAll(() => {
    rows = report("2018-12").filter((r) => r.kpi === "SMART_ADOPTION" && r.entity !== null && r.target !== null);
    short = rows.filter((r) => r.status === "at-risk" || r.status === "off-track");
    meets = rows.filter((r) => r.status === "met" || r.status === "on-track");
  });

  it("kpi report has CDA, DCAA and IACAD below 80% in December 2018", () => {
    const below80 = rows.filter((r) => r.actual !== null && r.actual < 80).map((r) => r.entity);
    expect(below80.sort()).toEqual(["CDA", "DCAA", "IACAD"]);
  });

  for (const locale of ["en-US", "ar-AE"] as const) {
    const ar = locale === "ar-AE";
    it(`names every entity below its target above the fold, with its figure, as kpi report has them (${ar ? "Arabic" : "English"})`, async () => {
      const { context, page } = await newPage(browser, locale);
      await page.setViewportSize({ width: 1440, height: 900 });
      await signIn(page, baseURL, "executive@example.com");
      await page.goto(`${baseURL}/?period=2018-12`);
      const reach = page.locator(".headline-reach");
      expect(plain(await reach.locator(".reach-answer").textContent())).toBe(
        ar ? `${meets.length} من ${rows.length} جهة بلغت مستهدفها هذا الشهر.` : `${meets.length} of ${rows.length} entities meet their own target this month.`,
      );
      const named = reach.locator(".reach-list li");
      expect(await named.count()).toBe(short.length);
      for (const row of short) {
        const item = reach.locator(`.reach-list li[data-entity="${row.entity}"]`);
        // Above the fold: the whole line is inside the first screen.
        const box = (await item.boundingBox())!;
        expect({ entity: row.entity, bottom: box.y + box.height <= 900 }).toEqual({ entity: row.entity, bottom: true });
        expect(await item.getByRole("link").getAttribute("href")).toBe(`/entities/${row.entity}?period=2018-12`);
        const figure = `${Math.round(row.actual! * 10) / 10}%`;
        expect(plain(await item.locator(".reach-figure strong").textContent())).toBe(figure);
      }
      // The law's three, missed at the deadline: "Missed", not "Off track".
      for (const code of ["CDA", "DCAA", "IACAD"]) {
        const status = plain(await reach.locator(`li[data-entity="${code}"] .status`).textContent());
        expect(status).toContain(ar ? "لم يتحقق (موعده ديسمبر 2018)" : "Missed (due December 2018)");
      }
      // The city figure against its target, and a legend for the symbols on the page.
      expect(plain(await page.locator(".headline-value").textContent())).toBe("89.7%");
      expect(await page.locator(".status-legend").count()).toBeGreaterThanOrEqual(2);
      await page.screenshot({ path: `tests/e2e/screenshots/headline-fold-${ar ? "ar" : "en"}.png` });
      await context.close();
    });
  }
});

describe("the heatmap, the KPI page and what changed", () => {
  it("a heatmap cell opens the entity's row on the KPI's page, with names, not codes", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await signIn(page, baseURL, "executive@example.com");
    await page.goto(`${baseURL}/?period=2018-12`);
    const heatmap = page.locator(".heatmap");
    // Headings are the short names the definitions give; no KPI code on an Arabic page.
    await expect(heatmap.getByRole("columnheader", { name: "المعاملات الذكية" }).count()).resolves.toBe(1);
    expect(await heatmap.locator("thead").textContent()).not.toMatch(/[A-Z]{3,}_/);
    const cell = heatmap.locator('a.heatmap-link[href*="/kpis/SMART_ADOPTION?"][href*="entity=CDA"]');
    expect(await cell.getAttribute("aria-label")).toContain("لم يتحقق");
    await cell.click();
    await page.waitForURL(/\/kpis\/SMART_ADOPTION\?period=2018-12&entity=CDA/);
    await page.locator("tr.row-selected").waitFor();
    expect(await page.locator("tr.row-selected").getAttribute("data-entity")).toBe("CDA");
    // The chart's table lists the city, CDA, and the month's best and furthest behind, by name.
    const heads = (await page.locator(".chart-table").nth(1).locator("thead th").allTextContents()).map(plain);
    expect(heads).toContain("على مستوى المدينة");
    expect(heads).toContain("هيئة تنمية المجتمع");
    expect(heads.some((h) => h.includes("(الأفضل هذا الشهر)"))).toBe(true);
    expect(heads.some((h) => h.includes("(الأبعد عن المستهدف هذا الشهر)"))).toBe(true);
    expect(heads.join(" ")).not.toMatch(/\b[A-Z]{2,}\b/);
    await page.getByRole("link", { name: /عرض خطوط كل الجهات/ }).click();
    await page.waitForURL(/lines=all/);
    await page.waitForFunction(() => document.querySelectorAll(".chart-table")[1]?.querySelectorAll("thead th").length === 1 + 1 + 21 + 1);
    await screenshot(page, "kpi-selected-ar");
    await context.close();
  });

  it("what changed comes largest first, ten at a time, with figures and links", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "analyst@example.com");
    await page.goto(`${baseURL}/?period=2018-12`);
    const rows = page.locator(".changes-table tbody tr");
    expect(await rows.count()).toBe(10);
    const first = rows.first();
    expect(await first.getByRole("link").count()).toBe(2);
    expect(plain(await first.locator("td.number").textContent())).toMatch(/→/);
    await page.getByRole("link", { name: /^Show all \d+ changes$/ }).click();
    await page.waitForURL(/changes=all/);
    await page.waitForFunction(() => document.querySelectorAll(".changes-table tbody tr").length > 10);
    const total = Number(/of (\d+) changes|All (\d+) changes/.exec(plain(await page.locator("#changes p.muted").first().textContent()))!.slice(1).find(Boolean));
    expect(await rows.count()).toBe(total);
    await context.close();
  });
});

describe("on a phone", () => {
  for (const locale of ["en-US", "ar-AE"] as const) {
    const ar = locale === "ar-AE";
    it(`nothing scrolls sideways, and a scorecard's rows put the status first (${ar ? "Arabic" : "English"})`, async () => {
      const { context, page } = await newPage(browser, locale);
      await page.setViewportSize({ width: 390, height: 844 });
      await signIn(page, baseURL, "executive@example.com");
      for (const path of ["/?period=2018-12", "/entities/IACAD?period=2018-12", "/kpis/SMART_ADOPTION?period=2018-12&entity=IACAD", "/kpis", "/follow-up/IACAD/2018-12"]) {
        await page.goto(`${baseURL}${path}`);
        expect({ path, sideways: await sideways(page) }).toEqual({ path, sideways: 0 });
      }
      await page.goto(`${baseURL}/entities/IACAD?period=2018-12`);
      const row = page.locator(".scorecard tbody tr").first();
      const name = (await row.locator("th").boundingBox())!;
      const status = (await row.locator("td[data-status]").boundingBox())!;
      const actual = (await row.locator("td").first().boundingBox())!;
      expect(status.y).toBeGreaterThanOrEqual(name.y + name.height - 1);
      expect(actual.y).toBeGreaterThan(status.y);
      await screenshot(page, `phone-scorecard-${ar ? "ar" : "en"}`);
      await context.close();
    });
  }
});
