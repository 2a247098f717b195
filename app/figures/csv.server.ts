// Reading the contract's CSV of monthly figures (§2: its columns, quoting and line numbers) into
// rows still as text, for the import, a focal point's upload and the API alike; beside
// upload.server.ts, which reads the spreadsheet template into the same rows. Nothing is checked
// against the rules here (checkFigureRows does that) and nothing is written.
import { parse } from "csv-parse/sync";
import type { FigureProblem, RawFigure } from "./rules";

/** What is wrong with a file or a row as a whole, as opposed to one of its fields. */
export const FILE_PROBLEM_CODES = [
  "unreadable",
  "empty",
  "header-only",
  "unknown-column",
  "missing-column",
  "repeated-column",
  "field-count",
  "duplicate",
  "other-entity",
  "not-utf8",
  "formula",
  "bad-file-type",
  "too-large",
  "unreadable-workbook",
  "too-large-unpacked",
] as const;
export type FileProblemCode = (typeof FILE_PROBLEM_CODES)[number];

export interface ImportError {
  /** Line in the file, counting the header as line 1. */
  line: number;
  /** In English, for the command line and logs. */
  message: string;
  /** The row's field problems, each with a code a page can translate. */
  problems: FigureProblem[];
  /** For a problem with the file or row as a whole: a code and its values, for translation. */
  code?: FileProblemCode;
  params?: Record<string, string | number>;
}

export const CSV_COLUMNS = [
  "entity",
  "kpi",
  "period",
  "value",
  "numerator",
  "denominator",
  "comment",
] as const;
const REQUIRED_COLUMNS = ["entity", "kpi", "period"] as const;

export interface ParsedRow {
  line: number;
  raw: RawFigure;
}

type CsvRecord = { record: string[]; line: number };

/** One line of plain CSV split into fields (quotes honoured); null for anything else. */
function splitSimpleLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(",");
  const record: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      let j = i + 1;
      for (;;) {
        const quote = line.indexOf('"', j);
        if (quote === -1) return null; // unterminated here: a line break inside quotes, or an error
        value += line.slice(j, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          j = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      record.push(value);
      if (i === line.length) return record;
      if (line[i] !== ",") return null;
      i++;
    } else {
      const comma = line.indexOf(",", i);
      const value = line.slice(i, comma === -1 ? line.length : comma);
      if (value.includes('"')) return null;
      record.push(value);
      if (comma === -1) return record;
      i = comma + 1;
    }
  }
}

/**
 * The file's records when it is plain CSV (one record per line, quoted fields without line
 * breaks), with the line each starts on, split only as they are read; null for anything else.
 * Several times faster than csv-parse with line numbers, which took half of a 600,000-row
 * import, and a large file is never held as records all at once.
 */
function simpleRecords(text: string): Iterable<CsvRecord> | null {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // Lines are found as they are read, not split into an array of 600,000 strings up front.
  function* lines(): Generator<{ text: string; line: number }> {
    let at = start;
    for (let line = 1; at <= text.length; line++) {
      const end = text.indexOf("\n", at);
      const stop = end === -1 ? text.length : end;
      yield { text: text.slice(at, stop), line };
      at = stop + 1;
    }
  }
  // Only lines with quotes can fail to split: find out before the first record is read.
  for (const { text: line } of lines())
    if (line.includes('"') && splitSimpleLine(line) === null) return null;
  return {
    *[Symbol.iterator]() {
      for (const { text: line, line: n } of lines())
        if (line !== "") yield { record: splitSimpleLine(line)!, line: n };
    },
  };
}

function parseWithCsvParse(
  text: string,
): { records: CsvRecord[] } | { error: { line: number; message: string } } {
  type Parsed = { record: string[]; info: { lines: number } };
  let parsed: Parsed[];
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as Parsed[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return {
      error: {
        line,
        message: `the file is not readable CSV: ${(error as Error).message.split(":")[0]}`,
      },
    };
  }
  // A row is reported by the line it starts on: its last line less the line breaks inside its
  // (quoted) fields.
  return {
    records: parsed.map(({ record, info }) => {
      let breaks = 0;
      for (const field of record) if (field.includes("\n")) breaks += field.split("\n").length - 1;
      return { record, line: info.lines - breaks };
    }),
  };
}

/** Reads a contract §2 CSV into rows; a file that is not such a CSV gives errors instead. */
export function readFiguresCsv(text: string): { rows: ParsedRow[]; errors: ImportError[] } {
  const rows: ParsedRow[] = [];
  const errors: ImportError[] = [];
  for (const batch of figureCsvBatches(text, Infinity)) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
  }
  return { rows, errors };
}

/**
 * A contract §2 CSV's rows, `size` at a time, each batch with the problems of its own lines; a
 * file that is not such a CSV gives one batch of errors and no rows. What an import of 600,000
 * rows holds in memory at once is one batch, not the file's every row.
 */
export function* figureCsvBatches(
  text: string,
  size: number,
): Generator<{ rows: ParsedRow[]; errors: ImportError[] }> {
  const fail = (
    line: number,
    message: string,
    code: FileProblemCode,
    params: Record<string, string | number> = {},
  ) => ({
    rows: [],
    errors: [{ line, message, problems: [], code, params }],
  });
  // Most files have no carriage returns: no second copy of a large file for them.
  const normalised = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  let records: Iterable<CsvRecord> | null = simpleRecords(normalised);
  // Anything the simple reader does not handle (a quoted line break, a stray quote) goes to
  // csv-parse, which also says exactly what is wrong with a malformed file.
  if (records === null) {
    const parsed = parseWithCsvParse(normalised);
    if ("error" in parsed) return yield fail(parsed.error.line, parsed.error.message, "unreadable");
    records = parsed.records;
  }
  const iterator = records[Symbol.iterator]();
  const first = iterator.next();
  if (first.done) return yield fail(1, "the file is empty: expected a header line", "empty");

  const header = first.value.record.map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  const errors = headerErrors({ repeated: [...new Set(repeated)], unknown, missing });
  if (errors.length > 0) return yield { rows: [], errors };
  const columnOf = (name: string) => header.indexOf(name);
  const columns = {
    entity: columnOf("entity"),
    kpi: columnOf("kpi"),
    period: columnOf("period"),
    value: columnOf("value"),
    numerator: columnOf("numerator"),
    denominator: columnOf("denominator"),
    comment: columnOf("comment"),
  };
  let rows: ParsedRow[] = [];
  let any = false;
  for (const { record, line } of { [Symbol.iterator]: () => iterator }) {
    any = true;
    if (rows.length + errors.length >= size) {
      yield { rows, errors: errors.splice(0) };
      rows = [];
    }
    if (record.length !== header.length) {
      errors.push({
        line,
        message: `expected ${header.length} fields, found ${record.length}`,
        problems: [],
        code: "field-count",
        params: { expected: header.length, found: record.length },
      });
      continue;
    }
    const cell = (i: number) => (i === -1 ? undefined : record[i]);
    rows.push({
      line,
      raw: {
        entity: cell(columns.entity) ?? "",
        kpi: cell(columns.kpi) ?? "",
        period: cell(columns.period) ?? "",
        value: cell(columns.value),
        numerator: cell(columns.numerator),
        denominator: cell(columns.denominator),
        comment: cell(columns.comment),
      },
    });
  }
  if (!any) return yield fail(1, "the file has a header but no figures", "header-only");
  yield { rows, errors };
}

/**
 * What is wrong with a file's header line, the CSV's or the spreadsheet's: repeated, unknown and
 * missing columns, each named (contract §2).
 */
export function headerErrors(columns: { repeated: string[]; unknown: string[]; missing: string[] }): ImportError[] {
  const { repeated, unknown, missing } = columns;
  const errors: ImportError[] = [];
  if (repeated.length > 0) {
    errors.push({
      line: 1,
      message: `column ${repeated.map((c) => `"${c}"`).join(", ")} appears more than once`,
      problems: [],
      code: "repeated-column",
      params: { columns: repeated.join(", ") },
    });
  }
  if (unknown.length > 0) {
    errors.push({
      line: 1,
      message: `unknown column ${unknown.map((c) => `"${c}"`).join(", ")}; expected ${CSV_COLUMNS.join(",")}`,
      problems: [],
      code: "unknown-column",
      params: { columns: unknown.join(", "), expected: CSV_COLUMNS.join(",") },
    });
  }
  if (missing.length > 0) {
    errors.push({
      line: 1,
      message: `missing column ${missing.join(", ")}; expected ${CSV_COLUMNS.join(",")}`,
      problems: [],
      code: "missing-column",
      params: { columns: missing.join(", "), expected: CSV_COLUMNS.join(",") },
    });
  }
  return errors;
}
