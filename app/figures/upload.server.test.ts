import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/helpers/db";
import type { DefinitionSet } from "../definitions/schema";
import { loadDefinitions } from "../definitions/load.server";
import { checkFigureRows, loadFigureRules } from "../models/figures.server";
import type { ImportError } from "./csv.server";
import { syncDefinitions } from "../models/sync.server";
import type { FigureRules } from "./rules";
import { ar, en } from "../i18n/messages";
import { buildTemplate, readUploadedFile, WORKBOOK_PROBLEM_CODES, type TemplateKpi } from "./upload.server";

const DEFINITIONS_DIR = path.resolve(__dirname, "../../kpi-definitions");
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADER = "entity,kpi,period,value,numerator,denominator,comment";

let test: TestDatabase;
let definitions: DefinitionSet;
let rules: FigureRules;

beforeAll(() => {
  test = createTestDatabase();
  const result = loadDefinitions(DEFINITIONS_DIR);
  if (!result.ok) {
    throw new Error(`kpi-definitions does not validate: ${JSON.stringify(result.errors)}`);
  }
  definitions = result.definitions;
  syncDefinitions(test.db, definitions, "2026-11-01T08:00:00.000Z");
  rules = loadFigureRules(test.db, "2026-11");
});

afterAll(() => test.close());

const utf8 = (text: string) => new TextEncoder().encode(text);
const csvFile = (bytes: Uint8Array, name = "figures.csv") => ({ name, type: "text/csv", bytes });

async function workbookBytes(
  rows: unknown[][],
  edit?: (sheet: ExcelJS.Worksheet) => void,
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("figures");
  for (const row of rows) sheet.addRow(row);
  edit?.(sheet);
  return new Uint8Array((await workbook.xlsx.writeBuffer()) as unknown as ArrayBuffer);
}

const xlsxFile = (bytes: Uint8Array, name = "figures.xlsx") => ({ name, type: XLSX_TYPE, bytes });

/** Reads a file and checks it as RTA's upload. */
async function check(file: { name: string; type: string; bytes: Uint8Array }) {
  const { rows, errors } = await readUploadedFile(file);
  return { rows, ...checkFigureRows(rows, rules, errors, { onlyEntity: "RTA" }) };
}

const codes = (errors: ImportError[]) => errors.map((e) => [e.line, e.code]);

function rtaKpis(): TemplateKpi[] {
  return definitions.kpis
    .filter((k) => k.reporters === "all" || k.reporters.includes("RTA"))
    .map((k) => ({
      code: k.code,
      nameEn: k.name.en,
      nameAr: k.name.ar,
      measure: k.measure,
      unit: k.unit,
    }));
}

describe("readUploadedFile: CSV", () => {
  it("reads a CSV with a BOM, Arabic-Indic digits and CRLF", async () => {
    const text =
      "\uFEFF" +
      `${HEADER}\r\n` +
      "RTA,SMART_ADOPTION,٢٠١٨-١٢,,٩٣١٠٠٠٠,١٠٠٠٠٠٠٠,تعليق\r\n" +
      "RTA,SERVICE_REQUEST_DAYS,2018-12,٣٫٥,,,\r\n";
    const { rows, figures, errors } = await check(csvFile(utf8(text)));
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(figures).toEqual([
      {
        entity: "RTA",
        kpi: "SMART_ADOPTION",
        period: "2018-12",
        value: 93.1,
        numerator: 9310000,
        denominator: 10000000,
        comment: "تعليق",
        line: 2,
      },
      {
        entity: "RTA",
        kpi: "SERVICE_REQUEST_DAYS",
        period: "2018-12",
        value: 3.5,
        numerator: null,
        denominator: null,
        comment: null,
        line: 3,
      },
    ]);
  });

  it("accepts text/csv without a .csv name", async () => {
    const { figures, errors } = await check({
      name: "figures",
      type: "text/csv",
      bytes: utf8(`${HEADER}\nRTA,GIN_CONNECTED,2021-01,نعم,,,\n`),
    });
    expect(errors).toEqual([]);
    expect(figures[0].value).toBe(1);
  });

  it("refuses a file that is not UTF-8 (UTF-16 with its BOM)", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x65, 0x00, 0x6e, 0x00, 0x74, 0x00]);
    const result = await readUploadedFile(csvFile(utf16));
    expect(result).toEqual({
      rows: [],
      errors: [
        { line: 1, code: "not-utf8", message: "the file is not UTF-8 text", problems: [], params: {} },
      ],
    });
  });

  it("refuses a CSV in Windows-1256 (Arabic as single bytes)", async () => {
    const bytes = new Uint8Array([...utf8(`${HEADER}\nRTA,GIN_CONNECTED,2021-01,1,,,`), 0xe1, 0xc7]);
    const { errors } = await readUploadedFile(csvFile(bytes));
    expect(codes(errors)).toEqual([[1, "not-utf8"]]);
  });

  it("reports CSV header problems through the CSV reader", async () => {
    const { errors } = await readUploadedFile(csvFile(utf8("entity,kpi,period,colour\n")));
    expect(codes(errors)).toEqual([[1, "unknown-column"]]);
  });
});

describe("readUploadedFile: XLSX", () => {
  it("reads plain headers, keeping numbers exact", async () => {
    const bytes = await workbookBytes([
      ["entity", "kpi", "period", "value", "numerator", "denominator", "comment"],
      ["RTA", "SMART_ADOPTION", "2018-12", null, 9310000, 10000000, "  from the app  "],
      ["RTA", "SERVICE_REQUEST_DAYS", "2018-12", 93.125, null, null, null],
      [],
      ["RTA", "OPEN_DATASETS", "2018-12", 12, null, null, null],
    ]);
    const { rows, figures, errors } = await check(xlsxFile(bytes));
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        raw: {
          entity: "RTA",
          kpi: "SMART_ADOPTION",
          period: "2018-12",
          value: "",
          numerator: "9310000",
          denominator: "10000000",
          comment: "from the app",
        },
      },
      {
        line: 3,
        raw: {
          entity: "RTA",
          kpi: "SERVICE_REQUEST_DAYS",
          period: "2018-12",
          value: "93.125",
          numerator: "",
          denominator: "",
          comment: "",
        },
      },
      // The empty row 4 is skipped; row 5 keeps its sheet row number.
      {
        line: 5,
        raw: {
          entity: "RTA",
          kpi: "OPEN_DATASETS",
          period: "2018-12",
          value: "12",
          numerator: "",
          denominator: "",
          comment: "",
        },
      },
    ]);
    expect(figures.map((f) => [f.kpi, f.value, f.numerator, f.denominator])).toEqual([
      ["SMART_ADOPTION", 93.1, 9310000, 10000000],
      ["SERVICE_REQUEST_DAYS", 93.125, null, null],
      ["OPEN_DATASETS", 12, null, null],
    ]);
  });

  it("reads bilingual headers in any order, ignoring kpi_name", async () => {
    const bytes = await workbookBytes([
      [
        "kpi / المؤشر",
        "kpi_name / اسم المؤشر",
        "entity / الجهة",
        "period / الشهر",
        "numerator / البسط",
        "denominator / المقام",
        "value / القيمة",
        "Comment / ملاحظة",
      ],
      ["SMART_ADOPTION", "Smart adoption / التبني", "RTA", "2018-12", 9310000, 10000000, null, null],
    ]);
    const { rows, figures, errors } = await check(xlsxFile(bytes));
    expect(errors).toEqual([]);
    expect(rows[0].raw).toMatchObject({
      entity: "RTA",
      kpi: "SMART_ADOPTION",
      period: "2018-12",
      numerator: "9310000",
    });
    expect(figures[0].value).toBe(93.1);
  });

  it("reads Arabic-only headers", async () => {
    const bytes = await workbookBytes([
      ["الجهة", "المؤشر", "اسم المؤشر", "الشهر", "القيمة", "البسط", "المقام", "ملاحظة"],
      ["RTA", "GIN_CONNECTED", "الشبكة", "2021-01", "نعم", null, null, "متصل"],
      ["RTA", "SERVICE_REQUEST_DAYS", "", "٢٠٢١-٠١", "٤٫٢٥", null, null, null],
    ]);
    const { figures, errors } = await check(xlsxFile(bytes));
    expect(errors).toEqual([]);
    expect(figures.map((f) => [f.kpi, f.period, f.value, f.comment])).toEqual([
      ["GIN_CONNECTED", "2021-01", 1, "متصل"],
      ["SERVICE_REQUEST_DAYS", "2021-01", 4.25, null],
    ]);
  });

  it("turns a date in the period column into its month, and rich text into text", async () => {
    const bytes = await workbookBytes(
      [
        ["entity", "kpi", "period", "value"],
        ["RTA", "OPEN_DATASETS", new Date(Date.UTC(2018, 11, 1)), 40],
      ],
      (sheet) => {
        sheet.getCell("A2").value = { richText: [{ text: "R", font: { bold: true } }, { text: "TA " }] };
      },
    );
    const { rows, figures, errors } = await check(xlsxFile(bytes));
    expect(errors).toEqual([]);
    expect(rows[0].raw).toEqual({
      entity: "RTA",
      kpi: "OPEN_DATASETS",
      period: "2018-12",
      value: "40",
      numerator: undefined,
      denominator: undefined,
      comment: undefined,
    });
    expect(figures).toHaveLength(1);
  });

  it("refuses a formula cell, naming its row", async () => {
    const bytes = await workbookBytes(
      [
        ["entity", "kpi", "period", "value", "numerator", "denominator"],
        ["RTA", "OPEN_DATASETS", "2018-12", 40, null, null],
        ["RTA", "SMART_ADOPTION", "2018-12", null, 9310000, 10000000],
      ],
      (sheet) => {
        sheet.getCell("E3").value = { formula: "9300000+10000", result: 9310000 };
      },
    );
    const { rows, figures, errors } = await check(xlsxFile(bytes));
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(figures).toHaveLength(1);
    expect(errors).toEqual([
      {
        line: 3,
        code: "formula",
        message: "row 3: cells must hold values, not formulas",
        problems: [],
        params: { row: 3, cells: "E3" },
      },
    ]);
  });

  it("reports unknown, missing and repeated columns on line 1", async () => {
    const unknown = await readUploadedFile(
      xlsxFile(await workbookBytes([["entity", "kpi", "period", "value", "colour"], ["RTA"]])),
    );
    expect(unknown.rows).toEqual([]);
    expect(unknown.errors).toMatchObject([
      { line: 1, code: "unknown-column", params: { columns: "colour" } },
    ]);

    const missing = await readUploadedFile(
      xlsxFile(await workbookBytes([["entity", "value / القيمة"], ["RTA", 1]])),
    );
    expect(missing.errors).toMatchObject([
      { line: 1, code: "missing-column", params: { columns: "kpi, period" } },
    ]);

    const repeated = await readUploadedFile(
      xlsxFile(await workbookBytes([["entity", "kpi", "period", "value", "القيمة"], ["RTA"]])),
    );
    expect(codes(repeated.errors)).toEqual([[1, "repeated-column"]]);
  });

  it("refuses data in a column without a header", async () => {
    const { errors } = await readUploadedFile(
      xlsxFile(
        await workbookBytes([
          ["entity", "kpi", "period", "value"],
          ["RTA", "OPEN_DATASETS", "2018-12", 40, null, 41],
        ]),
      ),
    );
    expect(errors).toMatchObject([
      { line: 1, code: "unknown-column", params: { columns: "(no header, column F)" } },
    ]);
  });

  it("reports a sheet with a header and no rows as header-only", async () => {
    const { errors } = await readUploadedFile(
      xlsxFile(await workbookBytes([["entity", "kpi", "period", "value"]])),
    );
    expect(codes(errors)).toEqual([[1, "header-only"]]);
  });

  it("reports bytes that are not a workbook as an unreadable workbook, not as bad CSV", async () => {
    const { errors } = await readUploadedFile(xlsxFile(utf8(`${HEADER}\n`)));
    expect(codes(errors)).toEqual([[1, "unreadable-workbook"]]);
  });

  it("has English and Arabic words for every problem only a workbook has", () => {
    for (const code of WORKBOOK_PROBLEM_CODES) {
      expect(en[`file.${code}`], code).toBeTruthy();
      expect(ar[`file.${code}`], code).toMatch(/[\u0600-\u06FF]/);
    }
  });
});

describe("readUploadedFile: any file", () => {
  it("refuses a row for another entity in RTA's upload", async () => {
    const bytes = await workbookBytes([
      ["entity", "kpi", "period", "value"],
      ["RTA", "OPEN_DATASETS", "2018-12", 40],
      ["DEWA", "OPEN_DATASETS", "2018-12", 41],
    ]);
    const { figures, errors } = await check(xlsxFile(bytes));
    expect(figures.map((f) => f.entity)).toEqual(["RTA"]);
    expect(errors).toMatchObject([
      { line: 3, code: "other-entity", params: { entity: "DEWA", own: "RTA" } },
    ]);
  });

  it("refuses a .pdf, and an .xls, whatever their type says", async () => {
    for (const file of [
      { name: "figures.pdf", type: "application/pdf", bytes: utf8("%PDF-1.7") },
      { name: "figures.xls", type: "text/csv", bytes: utf8(HEADER) },
    ]) {
      expect(await readUploadedFile(file)).toEqual({
        rows: [],
        errors: [
          {
            line: 0,
            code: "bad-file-type",
            message: "expected a .csv or .xlsx file",
            problems: [],
            params: {},
          },
        ],
      });
    }
  });

  it("refuses an empty file", async () => {
    for (const file of [csvFile(new Uint8Array()), xlsxFile(new Uint8Array())]) {
      const { rows, errors } = await readUploadedFile(file);
      expect(rows).toEqual([]);
      expect(codes(errors)).toEqual([[1, "empty"]]);
    }
  });
});

describe("buildTemplate", () => {
  async function openTemplate(buffer: Buffer): Promise<ExcelJS.Worksheet> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as Parameters<ExcelJS.Xlsx["load"]>[0]);
    return workbook.worksheets[0];
  }

  it("reads back to one row per KPI, each missing its figure until filled in", async () => {
    const kpis = rtaKpis();
    expect(kpis.length).toBeGreaterThan(3);
    const buffer = await buildTemplate({ entity: "RTA", period: "2021-01", kpis, rightToLeft: false });

    const { rows, errors: fileErrors } = await readUploadedFile(xlsxFile(new Uint8Array(buffer)));
    expect(fileErrors).toEqual([]);
    expect(rows.map((r) => [r.line, r.raw.entity, r.raw.kpi, r.raw.period])).toEqual(
      kpis.map((k, i) => [i + 2, "RTA", k.code, "2021-01"]),
    );
    const empty = checkFigureRows(rows, rules, fileErrors, { onlyEntity: "RTA" });
    expect(empty.figures).toEqual([]);
    expect(empty.errors).toHaveLength(kpis.length);
    for (const error of empty.errors) {
      expect(error.problems.length).toBeGreaterThan(0);
      expect(error.problems.every((p) => p.code === "missing-value")).toBe(true);
    }

    // Fill it in as a focal point would.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as Parameters<ExcelJS.Xlsx["load"]>[0]);
    const sheet = workbook.getWorksheet("figures")!;
    kpis.forEach((kpi, i) => {
      const row = sheet.getRow(i + 2);
      if (kpi.measure === "ratio") {
        row.getCell(6).value = 9310000;
        row.getCell(7).value = 10000000;
      } else if (kpi.unit === "yes-no") {
        row.getCell(5).value = 1;
      } else if (kpi.unit === "count") {
        row.getCell(5).value = 12;
      } else {
        row.getCell(5).value = 93.125;
      }
    });
    const filled = new Uint8Array(
      (await workbook.xlsx.writeBuffer()) as unknown as ArrayBuffer,
    );
    const { figures, errors } = await check(xlsxFile(filled));
    expect(errors).toEqual([]);
    expect(figures).toHaveLength(kpis.length);
    const smart = figures.find((f) => f.kpi === "SMART_ADOPTION")!;
    expect([smart.value, smart.numerator, smart.denominator]).toEqual([93.1, 9310000, 10000000]);
    expect(figures.find((f) => f.kpi === "SERVICE_REQUEST_DAYS")!.value).toBe(93.125);
  });

  it("has bilingual headers, a frozen header row and right-to-left when asked", async () => {
    const kpis = rtaKpis();
    const rtl = await openTemplate(
      await buildTemplate({ entity: "RTA", period: "2021-01", kpis, rightToLeft: true }),
    );
    expect(rtl.name).toBe("figures");
    expect(rtl.getRow(1).values).toEqual([
      undefined,
      "entity / الجهة",
      "kpi / المؤشر",
      "kpi_name / اسم المؤشر",
      "period / الشهر",
      "value / القيمة",
      "numerator / البسط",
      "denominator / المقام",
      "comment / ملاحظة",
    ]);
    expect(rtl.views[0]).toMatchObject({ state: "frozen", ySplit: 1, rightToLeft: true });

    const ltr = await openTemplate(
      await buildTemplate({ entity: "RTA", period: "2021-01", kpis, rightToLeft: false }),
    );
    expect(ltr.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(ltr.views[0].rightToLeft).toBeFalsy();
  });

  it("shades the cells a KPI does not take, keeps the period as text, lists 1/0 for yes-no", async () => {
    const kpis = rtaKpis();
    const sheet = await openTemplate(
      await buildTemplate({ entity: "RTA", period: "2021-01", kpis, rightToLeft: false }),
    );
    const grey = (cell: ExcelJS.Cell) =>
      cell.fill?.type === "pattern" && cell.fill.pattern === "solid";
    kpis.forEach((kpi, i) => {
      const row = sheet.getRow(i + 2);
      expect(row.getCell(3).value).toBe(`${kpi.nameEn} / ${kpi.nameAr}`);
      expect(row.getCell(4).value).toBe("2021-01");
      expect(row.getCell(4).numFmt).toBe("@");
      expect([grey(row.getCell(5)), grey(row.getCell(6)), grey(row.getCell(7))]).toEqual(
        kpi.measure === "ratio" ? [true, false, false] : [false, true, true],
      );
      if (kpi.unit === "yes-no") {
        expect(row.getCell(5).dataValidation).toMatchObject({ type: "list", formulae: ['"1,0"'] });
      } else {
        expect(row.getCell(5).dataValidation).toBeFalsy();
      }
    });
    expect(kpis.some((k) => k.unit === "yes-no")).toBe(true);
    for (let c = 1; c <= 8; c++) {
      expect(sheet.getColumn(c).width).toBeGreaterThanOrEqual(
        String(sheet.getRow(1).getCell(c).value).length,
      );
    }
  });
});
