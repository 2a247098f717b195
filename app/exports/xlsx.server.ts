// Tables as an Excel workbook: an "About" sheet first, then a sheet per table with a frozen
// header, number formats, and right-to-left sheets for Arabic readers. Written with exceljs's
// streaming writer, a row at a time, so the server never holds the whole workbook as objects.
import { PassThrough, type Readable } from "node:stream";
import { loadExcelJS } from "./exceljs.server";
import type { Unit } from "../definitions/schema";
import type { Formatter } from "../i18n/format";
import type { Cell, Column, ColumnType, Table } from "./tables";

/**
 * Number formats as the pages show numbers, with no trailing point on a whole number (`#,##0.##`
 * wrote "12."). Percent KPIs are in points (80 = 80%): a % sign, not multiplied by 100; shares
 * (achievement, compliance, score) are fractions: Excel's own percentage.
 */
const SHARE = "0.0%";
const DECIMAL = "#,##0.0#";
const FORMATS: Record<Exclude<ColumnType, "value">, string | undefined> = {
  text: undefined,
  number: DECIMAL,
  share: SHARE,
  count: "#,##0",
};

/** A KPI value's format for its unit; a yes-no is 1 or 0 (a count of entities on a city row). */
export function unitFormat(unit: Unit, f: Formatter): string {
  switch (unit) {
    case "percent":
      return '0.0"%"';
    case "count":
    case "currency":
      return "#,##0";
    case "days":
      return "#,##0.0";
    case "yes-no":
      return `[=1]"${f.t("value.yes")}";[=0]"${f.t("value.no")}";General`;
    default:
      return DECIMAL;
  }
}

/** Characters Excel refuses in a sheet's name. */
const FORBIDDEN = /[[\]:*?/\\]/g;

/**
 * A name Excel accepts for each sheet: no `[]:*?/\`, no apostrophe at either end, at most 31
 * characters, none blank, and no two the same ignoring case (a number added to the second).
 */
export function sheetNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((name, i) => {
    const clean = name.replace(FORBIDDEN, " ").replace(/\s+/g, " ").trim().replace(/^'+|'+$/g, "") || `Sheet${i + 1}`;
    let candidate = clean.slice(0, 31).trim();
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${clean.slice(0, 31 - ` (${n})`.length).trim()} (${n})`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/** Rows written between two turns of the event loop: other requests run while a big sheet is written. */
const ROWS_PER_TURN = 2000;

export interface About {
  title: string;
  /** The month, or the range of months ("2019-01 – 2020-12"). */
  period: string;
  filters: string;
  by: string;
  at: string;
  definitionsVersion: string | null;
  /** "Published 12 January 2019 · edition 1", or that the month is provisional. */
  edition: string;
}

/** A table whose rows come a chunk at a time (the report builder's), written as they come. */
export interface StreamedTable extends Omit<Table, "rows"> {
  chunks: AsyncIterable<Array<Record<string, Cell>>>;
}

async function* chunksOf(table: Table | StreamedTable): AsyncIterable<Array<Record<string, Cell>>> {
  if ("chunks" in table) yield* table.chunks;
  else yield table.rows;
}

/**
 * The workbook as a stream of bytes. Writing starts on the next turn of the event loop; an
 * error while writing destroys the stream with it.
 */
export function tablesXlsxStream(tables: Array<Table | StreamedTable>, about: About, f: Formatter): Readable {
  const out = new PassThrough();
  const rightToLeft = f.locale === "ar";
  const [aboutName, ...names] = sheetNames([f.t("export.about"), ...tables.map((t) => t.name)]);

  // exceljs gives every cell its own copy of its style and then renders each copy to find its
  // style id, which is most of the writing time; a style object it has seen before is looked up
  // by identity instead. So every cell of a format shares one object.
  const styles = new Map<string, { numFmt: string }>();
  const styleOf = (numFmt: string) => {
    let style = styles.get(numFmt);
    if (style === undefined) styles.set(numFmt, (style = { numFmt }));
    return style;
  };
  const NO_FORMAT = {};
  const unitFormats = new Map<string, string>();
  const formatOf = (c: Column, row: Record<string, Cell>): string | undefined => {
    if (c.type !== "value") return FORMATS[c.type];
    const unit = String(row[c.unitOf ?? ""] ?? "number") as Unit;
    let format = unitFormats.get(unit);
    if (format === undefined) unitFormats.set(unit, (format = unitFormat(unit, f)));
    return format;
  };

  const write = async () => {
    const ExcelJS = await loadExcelJS();
    // Shared strings, as the in-memory writer had: inline strings would be written as formula
    // results (t="str"), and an empty text cell would read back as no value. The table holds
    // every string already, so the list costs next to nothing.
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
    workbook.creator = about.by;
    workbook.created = new Date(about.at);
    workbook.modified = workbook.created;
    await new Promise((resolve) => setImmediate(resolve));
    const info = workbook.addWorksheet(aboutName, { views: [{ rightToLeft }] });
    info.columns = [{ width: 28 }, { width: 60 }];
    const facts: Array<[string, string]> = [
      [f.t("export.what"), about.title],
      [f.t("figures.col.month"), about.period],
      [f.t("export.edition"), about.edition],
      [f.t("export.filters"), about.filters || f.t("value.none")],
      [f.t("export.by"), about.by],
      [f.t("export.at"), f.dateTime(about.at)],
      [f.t("export.version"), about.definitionsVersion ?? f.t("value.none")],
    ];
    for (const fact of facts) info.addRow(fact);
    // Bold the whole first column (its cells and the column's style), then write the sheet.
    info.getColumn(1).font = { bold: true };
    info.commit();

    let written = 0;
    for (const [t, table] of tables.entries()) {
      const sheet = workbook.addWorksheet(names[t], {
        views: [{ state: "frozen", ySplit: 1, rightToLeft }],
      });
      // The text beside each number is for CSV readers; here the number shows in its format.
      const columns = table.columns.filter((c) => !c.csvOnly);
      sheet.columns = columns.map((c) => {
        const format = c.type === "value" ? undefined : FORMATS[c.type];
        return {
          header: c.header,
          key: c.key,
          width: Math.min(60, Math.max(12, c.header.length + 2)),
          style: format ? styleOf(format) : {},
        };
      });
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      const keys = columns.map((c) => c.key);
      // A text or empty cell takes its column's (shared) style; a number its column's or its
      // unit's format. A number in a column without one keeps the copy exceljs made: its
      // style differs from a text's (General).
      const columnStyles = columns.map((c) => (c.type === "value" || !FORMATS[c.type] ? NO_FORMAT : styleOf(FORMATS[c.type]!)));
      for await (const chunk of chunksOf(table)) {
        for (const row of chunk) {
          // Cells in the columns' order; a key the row lacks stays an absent cell.
          const values = keys.map((k) => row[k]);
          const added = sheet.addRow(values);
          for (let i = 0; i < values.length; i++) {
            const cell = added.findCell(i + 1);
            if (!cell) continue;
            if (typeof values[i] !== "number") cell.style = columnStyles[i];
            else {
              const format = formatOf(columns[i], row);
              if (format) cell.style = styleOf(format);
            }
          }
          added.commit();
          if (++written % ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      }
      sheet.commit();
    }
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

/** The whole workbook in one buffer (tests, and callers that need the bytes at once). */
export async function tablesXlsx(tables: Array<Table | StreamedTable>, about: About, f: Formatter): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tablesXlsxStream(tables, about, f)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
