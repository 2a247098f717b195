// A page's XLSX read back with exceljs: the sheets in order, the About sheet's facts, every cell
// equal to the export table's value with its column's number format, the frozen bold header,
// right to left in Arabic, the column widths. Pinned on the in-memory workbook writer and kept
// when the workbook became streamed.
import { rmSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Table } from "../../app/exports/tables";

const dir = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { mkdtempSync: mk } = require("node:fs") as typeof import("node:fs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { tmpdir: tmp } = require("node:os") as typeof import("node:os");
  const d = mk(`${tmp()}/xlsx-export-it-`);
  process.env.DATABASE_PATH = `${d}/xlsx.db`;
  return d;
});

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>;
type Locale = "en" | "ar";
type ExportView = { title: string; filters: string; tables: Table[] };
let cookie = "";
let exportLoader: Loader;
let expectedView: (view: string, locale: Locale) => ExportView;
let formatter: (locale: Locale) => { t: (id: string) => string; dateTime: (iso: string) => string };
let tablesXlsx: typeof import("../../app/exports/xlsx.server").tablesXlsx;
let definitionsVersion: string | null;

const PERIOD = "2020-12";
const VIEWS: Record<string, string> = {
  overview: `/export?view=overview&format=xlsx&period=${PERIOD}`,
  entity: `/export?view=entity&code=DM&format=xlsx&period=${PERIOD}`,
  kpi: `/export?view=kpi&code=SMART_ADOPTION&format=xlsx&period=${PERIOD}`,
  strategy: `/export?view=strategy&kind=dimensions&code=smart-governance&format=xlsx&period=${PERIOD}`,
};
// Sheets are named in the reader's language.
const SHEETS: Record<Locale, Record<string, string[]>> = {
  en: {
    overview: ["Entities", "Entities × KPIs", "Strategy"],
    entity: ["Scorecard"],
    kpi: ["Entities", "City by month"],
    strategy: ["Entities", "KPIs"],
  },
  ar: {
    overview: ["الجهات", "الجهات × المؤشرات", "الاستراتيجية"],
    entity: ["بطاقة الأداء"],
    kpi: ["الجهات", "المدينة شهريًا"],
    strategy: ["الجهات", "المؤشرات"],
  },
};
// No format leaves a trailing point on a whole number (`#,##0.##` showed 12 as "12.").
const NUM_FMT = { text: undefined, number: "#,##0.0#", share: "0.0%", count: "#,##0", value: undefined } as const;
const YES_NO: Record<Locale, string> = { en: '[=1]"Yes";[=0]"No";General', ar: '[=1]"نعم";[=0]"لا";General' };
/** A KPI value's format by its unit: percent KPIs are in points, so a % sign and no ×100. */
const unitFormat = (unit: string, lang: Locale) =>
  ({ percent: '0.0"%"', count: "#,##0", currency: "#,##0", days: "#,##0.0", number: "#,##0.0#", "yes-no": YES_NO[lang] })[unit];

beforeAll(async () => {
  const { getDatabase } = await import("../../db/index");
  const { loadDemoData } = await import("../../seeds/demo");
  const { createSession } = await import("../../app/auth/session.server");
  const { formatterFor, intlFor } = await import("../../app/i18n/format");
  const views = await import("../../app/exports/views.server");
  const { databaseFacts } = await import("../../app/models/kpis.server");
  const { env } = await import("../../app/utils/env.server");
  const { periodBounds } = await import("../../app/utils/period-param.server").then((m) => ({ periodBounds: m.periodFromRequest }));
  const db = getDatabase(process.env.DATABASE_PATH!);
  loadDemoData(db, path.resolve("kpi-definitions"), new Date("2026-11-24T08:00:00Z"));
  const analyst = db.$client.prepare("SELECT id FROM users WHERE email = 'analyst@example.com'").get() as { id: number };
  cookie = `sid=${createSession(db, analyst.id, new Date()).token}`;
  exportLoader = (await import("../../app/routes/export")).loader as unknown as Loader;
  tablesXlsx = (await import("../../app/exports/xlsx.server")).tablesXlsx;
  definitionsVersion = databaseFacts(db).definitionsVersion;
  const { first } = periodBounds(new Request(`http://localhost/?period=${PERIOD}`), db);
  formatter = (locale) => formatterFor(intlFor(locale)) as unknown as ReturnType<typeof formatter>;
  expectedView = (view, locale) => {
    const f = formatterFor(intlFor(locale));
    const round = { dueDay: env().FIGURES_DUE_DAY, now: new Date() };
    switch (view) {
      case "overview":
        return views.overviewExport(db, f, PERIOD, first, round);
      case "entity":
        return views.entityExport(db, f, "DM", PERIOD, round)!;
      case "kpi":
        return views.kpiExport(db, f, "SMART_ADOPTION", PERIOD, first)!;
      default:
        return views.strategyExport(db, f, "dimensions", "smart-governance", PERIOD)!;
    }
  };
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fetchWorkbook(url: string, lang: Locale): Promise<{ response: Response; workbook: ExcelJS.Workbook }> {
  const response = await exportLoader({
    request: new Request(`http://localhost${url}`, { headers: { Cookie: `${cookie}; lang=${lang}` } }),
    params: {},
    context: {},
  });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
  return { response, workbook };
}

/** A cell as exceljs reads it back: an empty cell is null. */
const valueOf = (cell: ExcelJS.Cell) => (cell.value === undefined ? null : cell.value);

function expectTableSheet(sheet: ExcelJS.Worksheet, table: Table, name: string, lang: Locale) {
  expect(sheet.name).toBe(name);
  expect(sheet.views).toEqual([expect.objectContaining({ state: "frozen", ySplit: 1, xSplit: 0, rightToLeft: lang === "ar" })]);
  // The text beside a number is for CSV readers only: the workbook shows the number formatted.
  const columns = table.columns.filter((c) => !c.csvOnly);
  expect(sheet.rowCount).toBe(table.rows.length + 1);
  expect(sheet.columnCount).toBe(columns.length);
  columns.forEach((c, i) => {
    const header = sheet.getRow(1).getCell(i + 1);
    expect(header.value).toBe(c.header);
    expect(header.font).toMatchObject({ bold: true });
    const col = sheet.getColumn(i + 1);
    expect(col.width).toBe(Math.min(60, Math.max(12, c.header.length + 2)));
    expect(col.numFmt).toBe(NUM_FMT[c.type]);
  });
  // Every cell: the table's value (numbers stay numbers, null stays empty); a number in its
  // column's format, or its KPI's unit's.
  const actual: unknown[][] = [];
  const wanted: unknown[][] = [];
  table.rows.forEach((row, r) => {
    const line = sheet.getRow(r + 2);
    actual.push(columns.map((c, i) => [valueOf(line.getCell(i + 1)), line.getCell(i + 1).numFmt]));
    wanted.push(
      columns.map((c) => {
        const value = row[c.key] ?? null;
        const format = c.type === "value" ? (typeof value === "number" ? unitFormat(String(row[c.unitOf!]), lang) : undefined) : NUM_FMT[c.type];
        return [value, format];
      }),
    );
  });
  expect(actual).toEqual(wanted);
}

describe("a page's XLSX", () => {
  for (const lang of ["en", "ar"] as const) {
    for (const view of Object.keys(VIEWS)) {
      it(`${view} in ${lang}: About first, then every table's cells, formats, widths, frozen header${lang === "ar" ? ", right to left" : ""}`, async () => {
        const { response, workbook } = await fetchWorkbook(VIEWS[view], lang);
        expect(response.status).toBe(200);
        expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        expect(response.headers.get("Cache-Control")).toBe("no-store");
        expect(response.headers.get("Content-Disposition")).toMatch(new RegExp(`^attachment; filename="smart-compliance-${view}-.*${PERIOD}\\.xlsx"$`));
        const expected = expectedView(view, lang);
        const f = formatter(lang);
        const rightToLeft = lang === "ar";

        expect(workbook.worksheets.map((s) => s.name)).toEqual([lang === "ar" ? "حول" : "About", ...SHEETS[lang][view]]);
        expect(workbook.creator).toBe("analyst@example.com");

        const [about, ...sheets] = workbook.worksheets;
        expect(about.views).toEqual([expect.objectContaining({ rightToLeft })]);
        expect(about.views[0].state ?? "normal").toBe("normal");
        expect([about.getColumn(1).width, about.getColumn(2).width]).toEqual([28, 60]);
        expect(about.getColumn(1).font).toMatchObject({ bold: true });
        const facts = (about.getSheetValues() as unknown[][]).slice(1).map((r) => r.slice(1));
        expect(facts).toHaveLength(7);
        expect(facts.map((r) => r[0])).toEqual(
          ["export.what", "figures.col.month", "export.edition", "export.filters", "export.by", "export.at", "export.version"].map((id) => f.t(id)),
        );
        expect(facts[0][1]).toBe(expected.title);
        expect(facts[1][1]).toBe(PERIOD);
        // December 2020 is not locked in the demo: provisional, as its page says.
        expect(facts[2][1]).toBe(f.t("edition.provisional"));
        expect(facts[3][1]).toBe(expected.filters || f.t("value.none"));
        expect(facts[4][1]).toBe("analyst@example.com");
        expect(typeof facts[5][1]).toBe("string");
        expect(facts[6][1]).toBe(definitionsVersion ?? f.t("value.none"));
        for (let r = 1; r <= 7; r++) {
          expect(about.getCell(r, 1).font).toMatchObject({ bold: true });
          expect(about.getCell(r, 2).font?.bold).toBeFalsy();
        }

        expect(sheets).toHaveLength(expected.tables.length);
        expected.tables.forEach((table, i) => expectTableSheet(sheets[i], table, SHEETS[lang][view][i], lang));
      });
    }
  }

  it("written directly: sheet names Excel accepts, widths between 12 and 60, each type's and unit's format, empty nulls, formula-like text stays text, CSV-only columns left out", async () => {
    const { formatterFor, intlFor } = await import("../../app/i18n/format");
    const f = formatterFor(intlFor("ar"));
    const table: Table = {
      name: "a sheet/name: [that] is far too long for excel?",
      title: "t",
      columns: [
        { key: "t", header: "x", type: "text" },
        { key: "n", header: "Number", type: "number" },
        { key: "v", header: "P".repeat(70), type: "value", unitOf: "unitCode" },
        { key: "vShown", header: "shown", type: "text", csvOnly: true },
        { key: "s", header: "Share of the whole", type: "share" },
        { key: "c", header: "Count", type: "count" },
      ],
      rows: [
        { t: "=HYPERLINK(\"http://evil.example\")", n: 1234.5678, unitCode: "percent", v: 80, vShown: "80%", s: 0.755, c: 12 },
        { t: null, n: null, unitCode: "count", v: null, vShown: "—", s: null, c: null },
        { t: "مرحبا", n: -3, unitCode: "days", v: 5.25, vShown: "5.25", s: 1, c: 0 },
        { t: "نعم", n: 12, unitCode: "yes-no", v: 1, s: 0, c: 1 },
        { t: "AED", n: 0.5, unitCode: "currency", v: 1500000, s: 0.5, c: 2 },
        { t: "n", n: 7, unitCode: "number", v: 7, s: 0.5, c: 2 },
      ],
    };
    // The same name twice, and one of nothing but forbidden characters.
    const second: Table = { ...table, name: "A SHEET/NAME: [THAT] IS FAR TOO LONG FOR EXCEL?", rows: [] };
    const third: Table = { ...table, name: "[]:*?/\\", rows: [] };
    const at = "2026-11-24T08:00:00.000Z";
    const about = { title: "Title", period: "2020-12", filters: "", by: "someone@example.com", at, definitionsVersion: null, edition: "Provisional" };
    const bytes = await tablesXlsx([table, second, third], about, f as never);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
    expect(workbook.creator).toBe("someone@example.com");
    expect(workbook.created?.toISOString()).toBe(at);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["حول", "a sheet name that is far too lo", "A SHEET NAME THAT IS FAR TO (2)", "Sheet4"]);
    for (const s of workbook.worksheets) expect(s.name.length).toBeLessThanOrEqual(31);
    const [info, sheet] = workbook.worksheets;
    expect((info.getSheetValues() as unknown[][]).slice(1).map((r) => r.slice(1))).toEqual([
      [f.t("export.what"), "Title"],
      [f.t("figures.col.month"), "2020-12"],
      [f.t("export.edition"), "Provisional"],
      [f.t("export.filters"), f.t("value.none")],
      [f.t("export.by"), "someone@example.com"],
      [f.t("export.at"), f.dateTime(at)],
      [f.t("export.version"), f.t("value.none")],
    ]);
    expect(info.views).toEqual([expect.objectContaining({ rightToLeft: true })]);
    expect(sheet.views).toEqual([expect.objectContaining({ state: "frozen", ySplit: 1, rightToLeft: true })]);
    expect(sheet.columnCount).toBe(5);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(["x", "Number", "P".repeat(70), "Share of the whole", "Count"]);
    expect([1, 2, 3, 4, 5].map((i) => sheet.getColumn(i).width)).toEqual([12, 12, 60, 20, 12]);
    expect([1, 2, 3, 4, 5].map((i) => sheet.getColumn(i).numFmt)).toEqual([undefined, "#,##0.0#", undefined, "0.0%", "#,##0"]);
    expect([2, 3, 4, 5, 6, 7].map((r) => [1, 2, 3, 4, 5].map((c) => [valueOf(sheet.getCell(r, c)), sheet.getCell(r, c).numFmt]))).toEqual([
      [["=HYPERLINK(\"http://evil.example\")", undefined], [1234.5678, "#,##0.0#"], [80, '0.0"%"'], [0.755, "0.0%"], [12, "#,##0"]],
      [[null, undefined], [null, "#,##0.0#"], [null, undefined], [null, "0.0%"], [null, "#,##0"]],
      [["مرحبا", undefined], [-3, "#,##0.0#"], [5.25, "#,##0.0"], [1, "0.0%"], [0, "#,##0"]],
      [["نعم", undefined], [12, "#,##0.0#"], [1, '[=1]"نعم";[=0]"لا";General'], [0, "0.0%"], [1, "#,##0"]],
      [["AED", undefined], [0.5, "#,##0.0#"], [1500000, "#,##0"], [0.5, "0.0%"], [2, "#,##0"]],
      [["n", undefined], [7, "#,##0.0#"], [7, "#,##0.0#"], [0.5, "0.0%"], [2, "#,##0"]],
    ]);
    // Text that looks like a formula is a string cell, never a formula Excel would run.
    expect(sheet.getCell(2, 1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(4).getCell(1).type).toBe(ExcelJS.ValueType.String);
  });
});
