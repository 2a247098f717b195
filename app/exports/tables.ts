// What a page shows, as tables a spreadsheet can open: the same model data the page renders,
// so an export never computes a number the page did not. Every CSV the product writes goes
// through csv-stringify, here: one set of rules for quoting, line ends and formulas.
import { stringify, type Options } from "csv-stringify/sync";
import type { Formatter } from "../i18n/format";
import type { MessageId } from "../i18n/messages";

/**
 * `value` is a KPI value in its KPI's unit, read from the row's field named by `unitOf` (a
 * scorecard's rows are KPIs of different units); `share` a fraction shown as a percentage
 * (achievement, compliance, score); `number` any other number.
 */
export type ColumnType = "text" | "number" | "share" | "count" | "value";

export interface Column {
  key: string;
  header: string;
  type: ColumnType;
  /** For a `value` column: the row's field that holds the KPI's unit. */
  unitOf?: string;
  /**
   * The number beside it as the page shows it ("87.5%" next to 0.875), for CSV readers, whose
   * cells have no number format. A workbook leaves it out: its cells show the number formatted.
   */
  csvOnly?: boolean;
}

export type Cell = string | number | null;

export interface Table {
  /** The sheet's name in the reader's language (the workbook writer makes it one Excel accepts). */
  name: string;
  title: string;
  columns: Column[];
  rows: Array<Record<string, Cell>>;
}

export function column(f: Formatter, key: string, id: MessageId, type: ColumnType = "text", extra: Partial<Column> = {}): Column {
  return { key, header: f.t(id), type, ...extra };
}

/** A KPI value's column: numbers in the unit of each row's KPI, read from the row's `unitCode`. */
export function valueColumn(f: Formatter, key: string, id: MessageId): Column {
  return column(f, key, id, "value", { unitOf: UNIT_KEY });
}

/** The text column beside a number: the column's header, then "(as on the page)". */
export function shownColumn(f: Formatter, key: string, id: MessageId): Column {
  return { key, header: f.t("export.asShown", { column: f.t(id) }), type: "text", csvOnly: true };
}

/** The row field holding a KPI's unit code for `value` columns; never a column itself. */
export const UNIT_KEY = "unitCode";

export const CSV_BOM = "\uFEFF";

/**
 * The product's CSV rules (see the README): CRLF line ends; a text cell that a spreadsheet would
 * run as a formula (=, +, -, @, a tab or carriage return first, or their full-width forms) gets a
 * leading apostrophe, while a negative number stays a number; an empty cell for null.
 */
const CSV_OPTIONS: Options = { record_delimiter: "windows", escape_formulas: true };

/**
 * Rows as arrays in the columns' order: csv-stringify's own `columns` option reads each key as a
 * path ("a.b"), which made a long export's writing three times slower.
 */
const records = (columns: Column[], rows: Array<Record<string, Cell>>) => {
  const keys = columns.map((c) => c.key);
  return rows.map((row) => keys.map((k) => row[k] ?? null));
};

export function csvHeader(columns: Column[]): string {
  return stringify([columns.map((c) => c.header)], CSV_OPTIONS);
}

export function csvRow(columns: Column[], row: Record<string, Cell>): string {
  return stringify(records(columns, [row]), CSV_OPTIONS);
}

/** Many rows of the same columns, as a long export writes them a chunk at a time. */
export function csvRows(columns: Column[], rows: Array<Record<string, Cell>>): string {
  return stringify(records(columns, rows), CSV_OPTIONS);
}

/** UTF-8 with a BOM (Excel shows Arabic), one header row, numbers unformatted and in full. */
export function tableCsv(table: Table): string {
  return stringify([table.columns.map((c) => c.header), ...records(table.columns, table.rows)], { ...CSV_OPTIONS, bom: true });
}
