import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
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
  it("an analyst builds a report from the month with figures, finds entities and KPIs by typing, previews it and downloads it", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "analyst@example.com");
    // The overview's month: the builder opens on the same one, and its preview has figures.
    await page.goto(`${baseURL}/`);
    const overviewMonth = await page.locator("#period").inputValue();
    await page.getByRole("link", { name: "Reports" }).click();
    await page.waitForURL(`${baseURL}/reports`);
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
    expect(await page.locator("#from").inputValue()).toBe(overviewMonth);
    expect(await page.locator("#to").inputValue()).toBe(overviewMonth);
    const actualColumn = (await page.locator("thead th").allTextContents()).indexOf("Actual");
    const actuals = await page.locator(`tbody tr td:nth-child(${actualColumn + 1})`).allTextContents();
    expect(actuals).toHaveLength(20);
    expect(actuals.filter((a) => a.trim() !== "").length).toBeGreaterThanOrEqual(15);

    await page.locator("#from").fill("2018-01");
    await page.locator("#to").fill("2018-12");
    // Entities: a checkbox list with a search box that hides what does not match.
    const entities = page.getByRole("group", { name: "Entities (none chosen: all)" });
    expect(await entities.getByRole("checkbox").count()).toBe(21);
    await entities.getByLabel("Find an entity by name or code").fill("roads");
    expect(await entities.locator("input[type=checkbox]:visible").count()).toBe(1);
    // By keyboard: from the search box, Tab reaches the one checkbox shown; Space ticks it.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    expect(await entities.getByRole("checkbox", { name: /Roads and Transport Authority/ }).isChecked()).toBe(true);
    await entities.getByLabel("Find an entity by name or code").fill("municipality");
    await entities.getByRole("checkbox", { name: /Dubai Municipality/ }).check();
    await entities.getByLabel("Find an entity by name or code").fill("zzz");
    expect(await entities.locator("input[type=checkbox]:visible").count()).toBe(0);
    await entities.getByText("Nothing matches what you typed.").waitFor();
    expect(await entities.getByText("2 chosen · 0 of 21 shown").count()).toBe(1);
    // A code finds a KPI too.
    const kpis = page.getByRole("group", { name: "KPIs (none chosen: all)" });
    await kpis.getByLabel("Find a KPI by name or code").fill("SMART_ADOPTION");
    await kpis.getByRole("checkbox", { name: /SMART_ADOPTION/ }).check();
    await page.getByRole("button", { name: "Preview" }).click();
    await page.waitForURL(/from=2018-01/);
    const url = new URL(page.url());
    expect(url.searchParams.getAll("entity").sort()).toEqual(["DM", "RTA"]);
    expect(url.searchParams.getAll("kpi")).toEqual(["SMART_ADOPTION"]);
    await page.getByRole("heading", { name: "First rows" }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(20);
    // The choice survives the round trip: both ticked again, the filter empty.
    expect(await page.getByRole("group", { name: "Entities (none chosen: all)" }).getByText("2 chosen · 21 of 21 shown").count()).toBe(1);
    await screenshot(page, "reports-en");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    const text = readFileSync((await download.path())!, "utf8");
    const lines = text.replace(/^\uFEFF/, "").trim().split(/\r\n/);
    // Header + 2 entities × 12 months.
    expect(lines).toHaveLength(25);
    expect(lines[0]).toBe("Month,Entity code,Entity,KPI code,KPI,Actual,Numerator,Denominator,Target,Target kind,Achievement,Status code,Status,Comment");
    expect(lines.filter((l) => l.startsWith("2018-12,RTA,"))).toHaveLength(1);
    const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download Excel" }).click()]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await xlsx.path())!);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["About", "Figures"]);
    expect(workbook.worksheets[0].getCell("B2").value).toBe("2018-01 – 2018-12");
    expect(workbook.worksheets[1].rowCount).toBe(25);
    await context.close();
  });

  it("the builder in Arabic: the search finds Arabic names, the workbook's sheets are named in Arabic", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await signIn(page, baseURL, "analyst@example.com");
    await page.goto(`${baseURL}/reports?from=2018-12&to=2018-12`);
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
    expect(await page.evaluate(() => document.documentElement.dir)).toBe("rtl");
    const entities = page.getByRole("group", { name: "الجهات (بلا اختيار: الكل)" });
    await entities.getByLabel("ابحث عن جهة بالاسم أو الرمز").fill("الطرق");
    expect(await entities.locator("input[type=checkbox]:visible").count()).toBe(1);
    await entities.getByRole("checkbox", { name: /هيئة الطرق والمواصلات/ }).check();
    await page.getByRole("button", { name: "معاينة" }).click();
    await page.waitForURL(/entity=RTA/);
    await page.getByRole("heading", { name: "الصفوف الأولى" }).waitFor();
    await screenshot(page, "reports-ar");
    const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "تنزيل Excel" }).click()]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await xlsx.path())!);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["حول", "الأرقام"]);
    expect(workbook.worksheets[1].views[0]).toMatchObject({ rightToLeft: true });
    await context.close();
  });

  it("without JavaScript the lists are plain checkboxes that the form sends", async () => {
    const context = await browser.newContext({ locale: "en-US", timezoneId: "Asia/Dubai", javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, baseURL, "analyst@example.com");
    await page.goto(`${baseURL}/reports?from=2018-12&to=2018-12`);
    const entities = page.getByRole("group", { name: "Entities (none chosen: all)" });
    // No search box that could not work; every option shown.
    expect(await entities.getByRole("searchbox").count()).toBe(0);
    expect(await entities.locator("input[type=checkbox]:visible").count()).toBe(21);
    await entities.getByRole("checkbox", { name: /Dubai Police/ }).check();
    await page.getByRole("button", { name: "Preview" }).click();
    await page.waitForURL(/entity=DP/);
    const codes = await page.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(new Set(codes)).toEqual(new Set(["DP"]));
    expect(await page.getByRole("group", { name: "Entities (none chosen: all)" }).getByRole("checkbox", { name: /Dubai Police/ }).isChecked()).toBe(true);
    await context.close();
  });

  it("a scorecard's CSV gives the forecast in the words of its page, with the month and entity on every row", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "analyst@example.com");
    await page.goto(`${baseURL}/entities/IACAD?period=2018-12`);
    const forecastColumn = (await page.locator("table.scorecard thead th").allTextContents()).indexOf("Forecast");
    const onPage = await page.locator(`table.scorecard tr[data-kpi="GOV_CLOUD_HOSTING"] > :nth-child(${forecastColumn + 1})`).textContent();
    expect(onPage).toBe("reaches 60% in November 2021");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    const [header, ...rows] = parse(readFileSync((await download.path())!, "utf8"), { bom: true }) as string[][];
    const cloud = rows.find((r) => r[header.indexOf("KPI code")] === "GOV_CLOUD_HOSTING")!;
    expect(cloud[header.indexOf("Forecast")]).toBe(onPage);
    for (const row of rows) expect([row[header.indexOf("Month")], row[header.indexOf("Entity code")]]).toEqual(["2018-12", "IACAD"]);
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
