// Exports read back: every number in a CSV or XLSX equals the engine's report for the month.
import { rmSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dir = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { mkdtempSync: mk } = require("node:fs") as typeof import("node:fs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { tmpdir: tmp } = require("node:os") as typeof import("node:os");
  const d = mk(`${tmp()}/exports-it-`);
  process.env.DATABASE_PATH = `${d}/exports.db`;
  return d;
});

let cookie = "";
type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>;
let exportLoader: Loader;
let downloadLoader: Loader;
let report: { rows: Array<{ kpi: string; entity: string | null; actual: number | null; achievement: number | null; status: string }>; entities: Array<{ code: string; score: number | null; compliance: number | null }> };

beforeAll(async () => {
  const { getDatabase } = await import("../../db/index");
  const { loadDemoData } = await import("../../seeds/demo");
  const { createSession } = await import("../../app/auth/session.server");
  const { reportFor } = await import("../../app/models/report.server");
  const { reportJson } = await import("../../app/compliance/report-format");
  const { importFiguresCsv } = await import("../../app/models/figures.server");
  const db = getDatabase(process.env.DATABASE_PATH!);
  loadDemoData(db, path.resolve("kpi-definitions"), new Date("2026-11-24T08:00:00Z"));
  // A figure whose comment a spreadsheet would run as a formula.
  const imported = importFiguresCsv(db, 'entity,kpi,period,value,numerator,denominator,comment\nRTA,SMART_ADOPTION,2020-12,,950,1000,"=HYPERLINK(""http://evil.example"")"\n', {
    actor: "test",
    now: new Date(),
    currentPeriod: "2026-11",
  });
  if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
  const analyst = db.$client.prepare("SELECT id FROM users WHERE email = 'analyst@example.com'").get() as { id: number };
  cookie = `sid=${createSession(db, analyst.id, new Date()).token}`;
  exportLoader = (await import("../../app/routes/export")).loader as unknown as Loader;
  downloadLoader = (await import("../../app/routes/reports.download")).loader as unknown as Loader;
  report = reportJson(reportFor(db, "2020-12"));
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (loader: Loader, url: string, lang = "en") =>
  loader({ request: new Request(`http://localhost${url}`, { headers: { Cookie: `${cookie}; lang=${lang}` } }), params: {}, context: {} });

/** A share as the pages show it: 0.875 → 87.5%. */
const shareText = (v: number | null) => (v === null ? "—" : new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 }).format(v));

/** The text as sent, after checking its BOM: Response.text() would drop the BOM Excel needs. */
async function rawCsv(response: Response): Promise<string> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return Buffer.from(bytes).toString("utf8");
}

/** The bytes as sent: Response.text() would drop the BOM that Excel needs to see. */
async function readCsv(response: Response): Promise<string[][]> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(Buffer.from(bytes).toString("utf8"), { bom: true, relax_column_count: false }) as string[][];
}

describe("exports of a page", () => {
  it("the overview's CSV has the month, every entity's score and compliance exactly as the report, and each as the page shows it", async () => {
    const response = await get(exportLoader, "/export?view=overview&format=csv&period=2020-12");
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toContain("smart-compliance-overview-2020-12.csv");
    const [header, ...rows] = await readCsv(response);
    expect(header).toEqual([
      "Month",
      "Entity code",
      "Entity",
      "Score",
      "Score (as on the page)",
      "Compliance",
      "Compliance (as on the page)",
      "Compliant",
      "Assessed",
      "Timeliness",
    ]);
    expect(rows).toHaveLength(report.entities.length);
    for (const row of rows) {
      const expected = report.entities.find((e) => e.code === row[1])!;
      expect(row[0]).toBe("2020-12");
      expect(Number(row[3])).toBe(expected.score);
      expect(row[4]).toBe(shareText(expected.score));
      expect(Number(row[5])).toBe(expected.compliance);
      expect(row[6]).toBe(shareText(expected.compliance));
    }
  });

  it("a scorecard's CSV names its entity and month, gives each number raw and as shown, and the forecast in the page's words", async () => {
    // The tracker's case: the old CSV gave "40.8 by 2019-12" where the page says November 2021.
    const text = await rawCsv(await get(exportLoader, "/export?view=entity&code=IACAD&format=csv&period=2018-12"));
    const [header, ...rows] = parse(text, { bom: true }) as string[][];
    const at = (row: string[], name: string) => row[header.indexOf(name)];
    expect(header.slice(0, 6)).toEqual(["Month", "Entity code", "Entity", "KPI code", "KPI", "Unit"]);
    const cloud = rows.find((r) => at(r, "KPI code") === "GOV_CLOUD_HOSTING")!;
    expect([at(cloud, "Month"), at(cloud, "Entity code"), at(cloud, "Entity")]).toEqual(["2018-12", "IACAD", "Islamic Affairs and Charitable Activities Department"]);
    expect(at(cloud, "Forecast")).toBe("reaches 60% in November 2021");
    expect(at(cloud, "Forecast: reaches the target in")).toBe("2021-11");
    expect(Number(at(cloud, "Forecast: target"))).toBe(60);
    expect(at(cloud, "Forecast: target due")).toBe("2019-12");
    expect(Number(at(cloud, "Forecast: value when the target is due"))).toBeCloseTo(40.827, 3);
    // Achievement raw (a fraction) and as the page shows it (a percentage), the same number.
    for (const row of rows) {
      const achievement = at(row, "Achievement");
      expect(at(row, "Achievement (as on the page)")).toBe(achievement === "" ? "—" : shareText(Number(achievement)));
    }
    expect(at(cloud, "Actual (as on the page)")).toMatch(/^\d+(\.\d)?%$/);
    // Every line ends CRLF; a line break inside a quoted cell is the only bare LF allowed.
    expect(text.split("\r\n").at(-1)).toBe("");
    expect(text.replace(/"[^"]*"/g, "")).not.toMatch(/[^\r]\n/);
  });

  it("the Arabic scorecard's CSV has Arabic headers and the Arabic page's forecast sentence", async () => {
    const { explainForecast } = await import("../../app/compliance/explain");
    const { formatterFor, intlFor } = await import("../../app/i18n/format");
    const [header, ...rows] = await readCsv(await get(exportLoader, "/export?view=entity&code=IACAD&format=csv&period=2018-12", "ar"));
    expect(header.slice(0, 3)).toEqual(["الشهر", "رمز الجهة", "الجهة"]);
    const cloud = rows.find((r) => r[header.indexOf("رمز المؤشر")] === "GOV_CLOUD_HOSTING")!;
    const sentence = cloud[header.indexOf("التوقع")];
    // As on the page: the target and the month each in a bidi isolate (decision 22), so a
    // spreadsheet drawing the cell right to left keeps "60%" whole.
    expect(sentence).toBe("يبلغ \u206860\u200e%\u200e\u2069 في \u2068نوفمبر 2021\u2069");
    expect(sentence).toBe(
      explainForecast({ months: 12, slope: 0, due: "2019-12", projected: 0, target: 60, meetsTarget: false, reachesTargetIn: "2021-11" }, { unit: "percent", f: formatterFor(intlFor("ar")) }),
    );
  });

  it("a published month's XLSX says which edition it is", async () => {
    const response = await get(exportLoader, "/export?view=entity&code=DM&format=xlsx&period=2018-12");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const [about] = workbook.worksheets;
    expect(about.getCell("A3").value).toBe("Edition");
    expect(about.getCell("B3").value).toBe("Published 12 January 2019 · edition 1");
  });

  it("an entity's XLSX has an About sheet, a frozen header and the report's numbers; right to left in Arabic", async () => {
    const response = await get(exportLoader, "/export?view=entity&code=DM&format=xlsx&period=2020-12", "ar");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const [about, sheet] = workbook.worksheets;
    expect(about.name).toBe("حول");
    expect(about.getCell("A2").value).toBe("الشهر");
    expect(about.getCell("B2").value).toBe("2020-12");
    expect(about.getCell("A3").value).toBe("الإصدار");
    expect(about.getCell("B3").value).toBe("نتائج أولية: قد تتغير هذه النتائج إلى أن يُقفل الشهر وتُنشر نتائجه.");
    expect(about.getCell("B5").value).toBe("analyst@example.com");
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1, rightToLeft: true });
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toContain("الفعلي");
    const kpiCol = headers.indexOf("رمز المؤشر") >= 0 ? headers.indexOf("رمز المؤشر") + 1 : 1;
    const actualCol = headers.indexOf("الفعلي") + 1;
    const statusCol = headers.indexOf("رمز الحالة") + 1;
    const expected = report.rows.filter((r) => r.entity === "DM");
    expect(sheet.rowCount - 1).toBe(expected.length);
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const kpi = row.getCell(kpiCol).value as string;
      const r = expected.find((e) => e.kpi === kpi)!;
      expect({ kpi, actual: row.getCell(actualCol).value ?? null }).toEqual({ kpi, actual: r.actual });
      expect(row.getCell(statusCol).value).toBe(r.status);
    });
    // Arabic names survive the round trip.
    expect(JSON.stringify(sheet.getSheetValues())).toContain("نسبة المعاملات المنجزة عبر القنوات الإلكترونية والذكية");
  });

  it("refuses an unknown view or format with 400", async () => {
    await expect(get(exportLoader, "/export?view=nope&format=csv")).rejects.toMatchObject({ status: 400 });
    await expect(get(exportLoader, "/export?view=overview&format=pdf")).rejects.toMatchObject({ status: 400 });
  });
});

describe("the report builder's download", () => {
  it("streams figures in long format with status, and neutralises a formula-like comment", async () => {
    const response = await get(downloadLoader, "/reports/download?from=2020-11&to=2020-12&entity=RTA&kpi=SMART_ADOPTION&format=csv");
    const [header, ...rows] = await readCsv(response);
    expect(header.slice(0, 5)).toEqual(["Month", "Entity code", "Entity", "KPI code", "KPI"]);
    expect(rows.map((r) => r[0])).toEqual(["2020-11", "2020-12"]);
    const december = rows[1];
    expect(Number(december[header.indexOf("Actual")])).toBe(95);
    expect(december[header.indexOf("Comment")]).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(december[header.indexOf("Status code")]).toBe(report.rows.find((r) => r.kpi === "SMART_ADOPTION" && r.entity === "RTA")!.status);
  });

  it("gives compliance in wide format, entities × months", async () => {
    const response = await get(downloadLoader, "/reports/download?from=2020-12&to=2020-12&shape=wide&format=csv");
    const [header, ...rows] = await readCsv(response);
    expect(header).toEqual(["Entity code", "Entity", "2020-12"]);
    for (const row of rows) expect(Number(row[2])).toBe(report.entities.find((e) => e.code === row[0])!.compliance);
  });

  it("writes the same rows to XLSX after an About sheet, in the reader's language", async () => {
    const response = await get(downloadLoader, "/reports/download?from=2020-11&to=2020-12&entity=DM&scope=pillars:connected-services&format=xlsx", "ar");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["حول", "الأرقام"]);
    const [about, sheet] = workbook.worksheets;
    const facts = Object.fromEntries((about.getSheetValues() as unknown[][]).slice(1).map((r) => [r[1], r[2]]));
    expect(facts["التصدير"]).toBe("منشئ التقارير");
    expect(facts["الشهر"]).toBe("2020-11 – 2020-12");
    expect(facts["الإصدار"]).toBe("الأشهر المنشورة: \u20680\u2069 من \u20682\u2069؛ ونتائج البقية أولية.");
    expect(facts["عوامل التصفية"]).toMatch(/^الجهات: DM · المؤشرات: الكل · النطاق — الركيزة: .+ · الأرقام: صف لكل جهة ومؤشر وشهر، مع الحالة$/);
    expect(facts["صدَّره"]).toBe("analyst@example.com");
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1, rightToLeft: true });
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 3)).toEqual(["الشهر", "رمز الجهة", "الجهة"]);
    // The percent KPI's actual with a % sign and no trailing point; achievement a percentage.
    const adoption = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(4).value === "SMART_ADOPTION" && r.getCell(1).value === "2020-12")!;
    const expected = report.rows.find((r) => r.kpi === "SMART_ADOPTION" && r.entity === "DM")!;
    expect(adoption.getCell(headers.indexOf("الفعلي") + 1)).toMatchObject({ value: expected.actual, numFmt: '0.0"%"' });
    expect(adoption.getCell(headers.indexOf("نسبة التحقيق") + 1)).toMatchObject({ value: expected.achievement, numFmt: "0.0%" });
  });

  it("says which edition a single month's XLSX is, as a page's workbook does", async () => {
    const response = await get(downloadLoader, "/reports/download?from=2018-12&to=2018-12&entity=DM&format=xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const [about, sheet] = workbook.worksheets;
    expect(about.getCell("B2").value).toBe("2018-12");
    expect(about.getCell("B3").value).toBe("Published 12 January 2019 · edition 1");
    expect(sheet.rowCount - 1).toBe(report.rows.filter((r) => r.entity === "DM").length);
  });

  it("refuses a range the wrong way round with 400", async () => {
    await expect(get(downloadLoader, "/reports/download?from=2020-12&to=2020-01")).rejects.toMatchObject({ status: 400 });
  });
});
