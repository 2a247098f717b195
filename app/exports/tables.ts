// What a page shows, as tables a spreadsheet can open: the same model data the page renders,
// so an export never computes a number the page did not.
import type { Formatter } from "../i18n/format";
import type { MessageId } from "../i18n/messages";

export type ColumnType = "text" | "number" | "percent" | "share" | "count";

export interface Column {
  key: string;
  header: string;
  type: ColumnType;
}

export type Cell = string | number | null;

export interface Table {
  /** Sheet name: short, no special characters. */
  name: string;
  title: string;
  columns: Column[];
  rows: Array<Record<string, Cell>>;
}

export function column(f: Formatter, key: string, id: MessageId, type: ColumnType = "text"): Column {
  return { key, header: f.t(id), type };
}

/** A KPI value's column type from its unit: percents stay in points (80 = 80%), counts whole. */
export function valueType(unit: string): ColumnType {
  return unit === "percent" ? "percent" : unit === "count" ? "count" : "number";
}

/**
 * A cell that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is
 * prefixed with an apostrophe. Only text is touched: numbers stay numbers.
 */
export function neutralise(value: Cell): Cell {
  if (typeof value !== "string") return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "number" ? String(value) : String(neutralise(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_BOM = "\uFEFF";

export function csvHeader(columns: Column[]): string {
  return columns.map((c) => csvCell(c.header)).join(",") + "\r\n";
}

export function csvRow(columns: Column[], row: Record<string, Cell>): string {
  return columns.map((c) => csvCell(row[c.key] ?? null)).join(",") + "\r\n";
}

/**
 * csvRow for many rows of the same columns, as a long export writes them: a text cell met before
 * (a name, a code, a status word) is escaped once, not once per row.
 */
export function csvRowWriter(columns: Column[]): (row: Record<string, Cell>) => string {
  const keys = columns.map((c) => c.key);
  const escaped = new Map<string, string>();
  return (row) => {
    let line = "";
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) line += ",";
      const value = row[keys[i]] ?? null;
      if (value === null) continue;
      if (typeof value !== "string") {
        // A number's text never holds a quote, comma or line break.
        line += String(value);
        continue;
      }
      let text = escaped.get(value);
      if (text === undefined) {
        text = csvCell(value);
        // Comments are mostly one-offs: keep the memory bounded whatever the file holds.
        if (escaped.size < 10_000) escaped.set(value, text);
      }
      line += text;
    }
    return line + "\r\n";
  };
}

/** UTF-8 with a BOM (Excel shows Arabic), one header row, numbers unformatted and in full. */
export function tableCsv(table: Table): string {
  return CSV_BOM + csvHeader(table.columns) + table.rows.map((r) => csvRow(table.columns, r)).join("");
}
