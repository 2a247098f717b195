import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
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

describe("reports for analysts", () => {
  it("an analyst builds a report, previews it and downloads it", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "analyst@example.com");
    await page.getByRole("link", { name: "Reports" }).click();
    await page.waitForURL(`${baseURL}/reports`);
    await page.locator("#from").fill("2018-01");
    await page.locator("#to").fill("2018-12");
    await page.locator("#entity").selectOption(["RTA", "DM"]);
    await page.locator("#kpi").selectOption(["SMART_ADOPTION"]);
    await page.getByRole("button", { name: "Preview" }).click();
    await page.waitForURL(/from=2018-01/);
    await page.getByRole("heading", { name: "First rows" }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(20);
    await screenshot(page, "reports-en");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    const text = readFileSync((await download.path())!, "utf8");
    const lines = text.replace(/^\uFEFF/, "").trim().split(/\r\n/);
    // Header + 2 entities × 12 months.
    expect(lines).toHaveLength(25);
    expect(lines[0]).toBe("Month,Entity code,Entity,KPI code,KPI,Actual,Numerator,Denominator,Target,Target kind,Achievement,Status code,Status,Comment");
    expect(lines.filter((l) => l.startsWith("2018-12,RTA,"))).toHaveLength(1);
    await context.close();
  });

  it("exports a scorecard as CSV, Excel and PDF from the page, in Arabic", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await signIn(page, baseURL, "analyst@example.com");
    await page.goto(`${baseURL}/entities/RTA?period=2018-12`);
    const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "تنزيل Excel" }).click()]);
    expect(xlsx.suggestedFilename()).toBe("smart-compliance-entity-RTA-2018-12.xlsx");
    const pdf = await page.request.get(`${baseURL}/export/pdf?path=${encodeURIComponent("/entities/RTA?period=2018-12")}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const bytes = await pdf.body();
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect((bytes.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThan(0);
    await context.close();
  });

  it("an executive may print a page as PDF, but is not offered the data exports and cannot fetch them", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "executive@example.com");
    for (const path of ["/?period=2018-12", "/entities/RTA?period=2018-12", "/kpis/SMART_ADOPTION?period=2018-12"]) {
      await page.goto(`${baseURL}${path}`);
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
      expect(await page.getByRole("link", { name: "Download PDF" }).getAttribute("href")).toBe(`/export/pdf?${new URLSearchParams({ path })}`);
      expect(await page.getByRole("button", { name: "Print", exact: true }).count()).toBe(1);
      expect(await page.getByRole("link", { name: "Download CSV" }).count()).toBe(0);
      expect(await page.getByRole("link", { name: "Download Excel" }).count()).toBe(0);
    }
    expect(await page.getByRole("link", { name: "Reports" }).count()).toBe(0);
    expect((await page.request.get(`${baseURL}/export?view=overview&format=csv`)).status()).toBe(403);
    expect((await page.request.get(`${baseURL}/export?view=overview&format=xlsx&period=2018-12`)).status()).toBe(403);
    const pdf = await page.request.get(`${baseURL}/export/pdf?${new URLSearchParams({ path: "/?period=2018-12" })}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    await context.close();
  });
});
