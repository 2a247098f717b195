// A focal point's upload: a contract §2 CSV or the spreadsheet template, read into the same rows
// the CSV import checks (checkFigureRows), and the template itself. Nothing here touches the
// database; the caller checks the rows against the rules and saves them whole or not at all.
import type { Cell, Fill, Worksheet, Xlsx } from "exceljs";
import { loadExcelJS, type ExcelJS } from "../exports/exceljs.server";
import {
  CSV_COLUMNS,
  headerErrors,
  readFiguresCsv,
  type FileProblemCode,
  type ImportError,
  type ParsedRow,
} from "./csv.server";
import { periodOfSpreadsheetDate } from "./month";
import type { RawFigure } from "./rules";
import { checkWorkbookZip } from "./zip-limits.server";

export interface UploadedFile {
  name: string;
  /** The browser's MIME type; only consulted when the name has no known extension. */
  type: string;
  bytes: Uint8Array;
}

type ReadResult = { rows: ParsedRow[]; errors: ImportError[] };
type Column = (typeof CSV_COLUMNS)[number];

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** exceljs declares its own `Buffer` (an ArrayBuffer); at run time it takes Node's. */
type ExcelBuffer = Parameters<Xlsx["load"]>[0];

/** The template's headers: the contract's column name, then its Arabic name. */
export const TEMPLATE_COLUMNS = [
  { key: "entity", ar: "الجهة" },
  { key: "kpi", ar: "المؤشر" },
  { key: "kpi_name", ar: "اسم المؤشر" },
  { key: "period", ar: "الشهر" },
  { key: "value", ar: "القيمة" },
  { key: "numerator", ar: "البسط" },
  { key: "denominator", ar: "المقام" },
  { key: "comment", ar: "ملاحظة" },
] as const;

/** A column shown for the reader's sake and ignored on upload. */
const INFORMATIONAL_COLUMN = "kpi_name";

const ARABIC_HEADERS: ReadonlyMap<string, string> = new Map(
  TEMPLATE_COLUMNS.map((c) => [c.ar, c.key]),
);

const REQUIRED_COLUMNS: readonly Column[] = ["entity", "kpi", "period"];

/** Problems only a spreadsheet has ("unreadable" would tell the person their file is not CSV). */
export const WORKBOOK_PROBLEM_CODES = ["unreadable-workbook", "too-large-unpacked"] as const satisfies readonly FileProblemCode[];

function fileError(
  line: number,
  code: FileProblemCode,
  message: string,
  params: Record<string, string | number> = {},
): ReadResult {
  return { rows: [], errors: [{ line, message, problems: [], code, params }] };
}

function kindOf(file: UploadedFile): "csv" | "xlsx" | null {
  const name = file.name.trim().toLowerCase();
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".xlsx")) return "xlsx";
  // Only a name without a recognised extension falls back on the MIME type: Windows reports a
  // .csv as application/vnd.ms-excel when Excel is installed.
  if (/\.[a-z0-9]+$/.test(name)) return null;
  const type = file.type.split(";")[0].trim().toLowerCase();
  if (type === "text/csv") return "csv";
  if (type === XLSX_TYPE) return "xlsx";
  return null;
}

/** Reads an uploaded .csv (contract §2) or .xlsx (the template's layout) into rows to check. */
export async function readUploadedFile(file: UploadedFile): Promise<ReadResult> {
  const kind = kindOf(file);
  if (kind === null) return fileError(0, "bad-file-type", "expected a .csv or .xlsx file");
  if (file.bytes.byteLength === 0) {
    return fileError(1, "empty", "the file is empty: expected a header line");
  }
  if (kind === "csv") {
    let text: string;
    try {
      // The decoder drops a UTF-8 BOM; readFiguresCsv would strip one as well.
      text = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
    } catch {
      return fileError(1, "not-utf8", "the file is not UTF-8 text");
    }
    return readFiguresCsv(text);
  }
  return readSpreadsheet(file.bytes);
}

async function readSpreadsheet(bytes: Uint8Array): Promise<ReadResult> {
  // exceljs unpacks the whole zip into memory before reading a cell: the zip is measured first.
  const zip = checkWorkbookZip(bytes);
  if (!zip.ok && zip.problem === "too-large-unpacked") {
    return fileError(1, "too-large-unpacked", `the workbook unpacks to too much data: ${zip.reason}`);
  }
  if (!zip.ok) return fileError(1, "unreadable-workbook", `the file is not a readable .xlsx workbook: ${zip.reason}`);
  const ExcelJS = await loadExcelJS();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelBuffer);
  } catch (error) {
    return fileError(
      1,
      "unreadable-workbook",
      `the file is not a readable .xlsx workbook: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) {
    return fileError(1, "empty", "the file is empty: expected a header line");
  }
  const width = Math.max(sheet.columnCount, sheet.getRow(1).cellCount);

  // Header: "value", "value / القيمة" or "القيمة".
  const columnOf = new Map<number, Column>();
  const names: string[] = [];
  const unknown: string[] = [];
  for (let c = 1; c <= width; c++) {
    const text = cellText(sheet.getRow(1).getCell(c), false);
    const name = normaliseHeader(text);
    if (name === "") {
      // A column without a header is only a problem when something was typed in it.
      if (columnHasData(ExcelJS, sheet, c)) unknown.push(`(no header, column ${sheet.getColumn(c).letter})`);
      continue;
    }
    if (name === INFORMATIONAL_COLUMN) continue;
    names.push(name);
    if ((CSV_COLUMNS as readonly string[]).includes(name)) columnOf.set(c, name as Column);
    else unknown.push(name);
  }
  const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const errors = headerErrors({ repeated, unknown, missing });
  if (errors.length > 0) return { rows: [], errors };

  const rows: ParsedRow[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.findRow(r);
    if (!row) continue;
    const formulas: string[] = [];
    const fields: Partial<Record<Column, string>> = {};
    for (const [c, column] of columnOf) {
      const cell = row.getCell(c);
      if (isFormula(ExcelJS, cell)) formulas.push(cell.address);
      else fields[column] = cellText(cell, column === "period");
    }
    if (formulas.length > 0) {
      errors.push({
        line: r,
        message: `row ${r}: cells must hold values, not formulas`,
        problems: [],
        code: "formula",
        params: { row: r, cells: formulas.join(", ") },
      });
      continue;
    }
    if (Object.values(fields).every((v) => v === "")) continue;
    // As in the CSV reader: a column the file does not have is undefined, an empty cell "".
    const raw: RawFigure = {
      entity: fields.entity ?? "",
      kpi: fields.kpi ?? "",
      period: fields.period ?? "",
      value: fields.value,
      numerator: fields.numerator,
      denominator: fields.denominator,
      comment: fields.comment,
    };
    rows.push({ line: r, raw });
  }
  if (rows.length === 0 && errors.length === 0) {
    return fileError(1, "header-only", "the file has a header but no figures");
  }
  return { rows, errors };
}

function normaliseHeader(text: string): string {
  const name = text.split("/")[0].trim().toLowerCase();
  return ARABIC_HEADERS.get(name) ?? name;
}

function columnHasData(ExcelJS: ExcelJS, sheet: Worksheet, c: number): boolean {
  for (let r = 2; r <= sheet.rowCount; r++) {
    const cell = sheet.findRow(r)?.getCell(c);
    if (cell && (isFormula(ExcelJS, cell) || cellText(cell, false) !== "")) return true;
  }
  return false;
}

function isFormula(ExcelJS: ExcelJS, cell: Cell): boolean {
  return cell.type === ExcelJS.ValueType.Formula || Boolean(cell.formula);
}

/**
 * A cell's value as the text a CSV would have held: numbers as JavaScript writes them (no
 * locale, no rounding), text trimmed, rich text and links as their plain text, and a date in
 * the period column as its month.
 */
function cellText(cell: Cell, isPeriod: boolean): string {
  return valueText(cell.value, isPeriod);
}

function valueText(value: unknown, isPeriod: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value.trim();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "";
    return isPeriod ? periodOfSpreadsheetDate(value) : value.toISOString().slice(0, 10);
  }
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText)) {
      return value.richText
        .map((part: { text?: unknown }) => (typeof part.text === "string" ? part.text : ""))
        .join("")
        .trim();
    }
    // A hyperlink's text may itself be rich text.
    if ("text" in value) return valueText(value.text, isPeriod);
    if ("error" in value && typeof value.error === "string") return value.error;
  }
  return "";
}

export interface TemplateKpi {
  code: string;
  nameEn: string;
  nameAr: string;
  measure: "ratio" | "value";
  unit: string;
}

const NOT_TO_FILL: Fill = {
  type: "pattern",
  pattern: "solid",
  fgColor: { argb: "FFD9D9D9" },
};

/**
 * The spreadsheet a focal point fills in: one row per KPI for one entity and month, with the
 * cells a KPI does not take shaded grey. It reads back with readUploadedFile.
 */
export async function buildTemplate(args: {
  entity: string;
  period: string;
  kpis: TemplateKpi[];
  rightToLeft: boolean;
}): Promise<Buffer> {
  const ExcelJS = await loadExcelJS();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("figures", {
    views: [{ state: "frozen", ySplit: 1, rightToLeft: args.rightToLeft }],
  });
  const headers = TEMPLATE_COLUMNS.map((c) => `${c.key} / ${c.ar}`);
  const names = args.kpis.map((k) => `${k.nameEn} / ${k.nameAr}`);
  const longest = (texts: string[]) => texts.reduce((n, t) => Math.max(n, t.length), 0);
  const widthOf: Record<(typeof TEMPLATE_COLUMNS)[number]["key"], number> = {
    entity: longest([args.entity]),
    kpi: longest(args.kpis.map((k) => k.code)),
    kpi_name: Math.min(longest(names), 70),
    period: 7,
    value: 12,
    numerator: 14,
    denominator: 14,
    comment: 40,
  };
  sheet.columns = TEMPLATE_COLUMNS.map((c, i) => ({
    key: c.key,
    width: Math.max(widthOf[c.key], headers[i].length) + 2,
  }));

  const header = sheet.getRow(1);
  header.values = headers;
  header.font = { bold: true };
  header.alignment = { vertical: "middle" };

  const periodColumn = sheet.getColumn("period");
  args.kpis.forEach((kpi, i) => {
    const row = sheet.getRow(i + 2);
    row.getCell("entity").value = args.entity;
    row.getCell("kpi").value = kpi.code;
    const name = row.getCell("kpi_name");
    name.value = `${kpi.nameEn} / ${kpi.nameAr}`;
    name.alignment = { wrapText: true, vertical: "top" };
    const period = row.getCell(periodColumn.number);
    period.numFmt = "@";
    period.value = args.period;
    const shaded = kpi.measure === "ratio" ? ["value"] : ["numerator", "denominator"];
    for (const key of shaded) row.getCell(key).fill = NOT_TO_FILL;
    if (kpi.unit === "yes-no") {
      row.getCell("value").dataValidation = {
        type: "list",
        allowBlank: true,
        formulae: ['"1,0"'],
        showErrorMessage: true,
        errorTitle: "yes / no",
        error: "1 = yes / نعم, 0 = no / لا",
        showInputMessage: true,
        promptTitle: "yes / no",
        prompt: "1 = yes / نعم, 0 = no / لا",
      };
    }
  });

  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out as unknown as Uint8Array);
}
