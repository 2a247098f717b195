// Writing monthly figures: the rules from the database, the CSV import (all or nothing) and the
// one function that stores figures and appends their history.
import { isNull, TransactionRollbackError } from "drizzle-orm";
import type { Database as SqliteConnection } from "better-sqlite3";
import { parse } from "csv-parse/sync";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { FigureAction, FigureStatus } from "../../db/schema";
import {
  checkFigure,
  describeProblem,
  type CheckedFigure,
  type FigureProblem,
  type FigureRules,
  type KpiRules,
  type RawFigure,
} from "../figures/rules";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** What the database says a figure may be: active entities and KPIs, reporters, locks. */
export function loadFigureRules(db: Db | Tx, currentPeriod: string): FigureRules {
  const entities = new Set(
    db
      .select({ code: s.entities.code })
      .from(s.entities)
      .where(isNull(s.entities.retiredAt))
      .all()
      .map((e) => e.code),
  );
  const reporterRows = db.select().from(s.kpiReporters).all();
  const kpis = new Map<string, KpiRules>();
  for (const kpi of db.select().from(s.kpis).where(isNull(s.kpis.retiredAt)).all()) {
    kpis.set(kpi.code, {
      unit: kpi.unit,
      measure: kpi.measure,
      reporters: kpi.reportersAll
        ? null
        : new Set(reporterRows.filter((r) => r.kpiCode === kpi.code).map((r) => r.entityCode)),
    });
  }
  const lockedPeriods = new Set(
    db
      .select({ period: s.periodLocks.period })
      .from(s.periodLocks)
      .all()
      .map((l) => l.period),
  );
  return { entities, kpis, lockedPeriods, currentPeriod };
}

export interface SaveOptions {
  action: FigureAction;
  source: "form" | "import" | "seed";
  status: FigureStatus;
  actor: string;
  /** ISO timestamp of the change. */
  now: string;
}

export type Figure = typeof s.figures.$inferSelect;

/**
 * The statements every figure write runs, prepared once per transaction on the connection
 * itself. Built and prepared through drizzle for every row they were 90% of an import's time
 * (1,500 rows/s); drizzle's prepared queries still cost as much again as SQLite's own work in
 * mapping parameters. These are the statements the schema's columns describe, in plain SQL.
 */
function prepareFigureStatements(tx: Tx) {
  // drizzle keeps the better-sqlite3 connection on the transaction's session.
  const client = (tx as unknown as { session: { client: SqliteConnection } }).session.client;
  return {
    // The columns writeFigure reads of a figure it replaces, named as the schema names them.
    find: client.prepare(
      `SELECT id, version, value, numerator, denominator, status, submitted_at AS submittedAt,
         submitted_by AS submittedBy, review_comment AS reviewComment
       FROM figures WHERE entity_code = ? AND kpi_code = ? AND period = ?`,
    ),
    insert: client.prepare(
      `INSERT INTO figures (entity_code, kpi_code, period, value, numerator, denominator, comment, status, source,
         entered_by, entered_at, updated_by, updated_at, submitted_at, submitted_by, review_comment)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: client.prepare(
      `UPDATE figures SET value = ?, numerator = ?, denominator = ?, comment = ?, status = ?, source = ?,
         updated_by = ?, updated_at = ?, submitted_at = ?, submitted_by = ?, review_comment = ?, version = ?
       WHERE id = ?`,
    ),
    history: client.prepare(
      `INSERT INTO figure_history (figure_id, action, old_value, old_numerator, old_denominator, old_status,
         new_value, new_numerator, new_denominator, new_status, comment, actor, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

type FigureStatements = ReturnType<typeof prepareFigureStatements>;

/** What writeFigure needs of the figure it replaces. */
type StoredFigure = Pick<
  Figure,
  | "id"
  | "version"
  | "value"
  | "numerator"
  | "denominator"
  | "status"
  | "submittedAt"
  | "submittedBy"
  | "reviewComment"
>;
const statementsByTransaction = new WeakMap<Tx, FigureStatements>();

function figureStatements(tx: Tx): FigureStatements {
  let statements = statementsByTransaction.get(tx);
  if (!statements) {
    statements = prepareFigureStatements(tx);
    statementsByTransaction.set(tx, statements);
  }
  return statements;
}

/**
 * Writes one figure (replacing `existing` when there is one, bumping its version) and appends
 * its history row with the old and new values. Every way a figure changes value goes through
 * here: the importer, the demo seed, the entry form and a focal point's upload.
 */
export function writeFigure(
  tx: Tx,
  f: CheckedFigure,
  existing: StoredFigure | undefined,
  options: SaveOptions & {
    /** Columns set as well, e.g. the submission's time and author. */
    extra?: Partial<Pick<Figure, "submittedAt" | "submittedBy" | "reviewComment">>;
  },
): number {
  const statements = figureStatements(tx);
  const extra = options.extra ?? {};
  // Columns not given in `extra` keep what the figure had (nothing, for a new one).
  const submittedAt = "submittedAt" in extra ? extra.submittedAt : (existing?.submittedAt ?? null);
  const submittedBy = "submittedBy" in extra ? extra.submittedBy : (existing?.submittedBy ?? null);
  const reviewComment =
    "reviewComment" in extra ? extra.reviewComment : (existing?.reviewComment ?? null);
  const { actor, now, status, source } = options;
  let figureId: number;
  if (existing) {
    statements.update.run(
      f.value,
      f.numerator,
      f.denominator,
      f.comment,
      status,
      source,
      actor,
      now,
      submittedAt,
      submittedBy,
      reviewComment,
      existing.version + 1,
      existing.id,
    );
    figureId = existing.id;
  } else {
    const inserted = statements.insert.run(
      f.entity,
      f.kpi,
      f.period,
      f.value,
      f.numerator,
      f.denominator,
      f.comment,
      status,
      source,
      actor,
      now,
      actor,
      now,
      submittedAt,
      submittedBy,
      reviewComment,
    );
    figureId = Number(inserted.lastInsertRowid);
  }
  statements.history.run(
    figureId,
    options.action,
    existing?.value ?? null,
    existing?.numerator ?? null,
    existing?.denominator ?? null,
    existing?.status ?? null,
    f.value,
    f.numerator,
    f.denominator,
    status,
    f.comment,
    actor,
    now,
  );
  return figureId;
}

/**
 * Stores figures, replacing any for the same (entity, KPI, period). Must run inside the
 * caller's transaction, so that a batch lands whole or not at all.
 */
export function saveFigures(tx: Tx, figures: CheckedFigure[], options: SaveOptions): void {
  const { find } = figureStatements(tx);
  for (const f of figures) {
    const existing = find.get(f.entity, f.kpi, f.period) as StoredFigure | undefined;
    writeFigure(tx, f, existing, options);
  }
}

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

export type ImportResult = { ok: true; imported: number } | { ok: false; errors: ImportError[] };

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
  const errors: ImportError[] = [];
  if (repeated.length > 0) {
    errors.push({
      line: 1,
      message: `column ${[...new Set(repeated)].map((c) => `"${c}"`).join(", ")} appears more than once`,
      problems: [],
      code: "repeated-column",
      params: { columns: [...new Set(repeated)].join(", ") },
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

/** Checks every row against the rules and the file itself (duplicates); nothing is written. */
export function checkFiguresCsv(
  text: string,
  rules: FigureRules,
): { figures: CheckedFigure[]; errors: ImportError[] } {
  const { rows, errors } = readFiguresCsv(text);
  return checkFigureRows(rows, rules, errors);
}

/**
 * Checks rows read from any file (CSV or a spreadsheet) against the rules and each other.
 * `onlyEntity` limits a file to one entity's rows: a focal point's upload.
 */
export function checkFigureRows(
  rows: ParsedRow[],
  rules: FigureRules,
  fileErrors: ImportError[] = [],
  options: {
    onlyEntity?: string;
    /** The first line of each (entity, KPI, period) in earlier batches of the same file. */
    seen?: Map<string, number>;
  } = {},
): { figures: Array<CheckedFigure & { line: number }>; errors: ImportError[] } {
  const errors = [...fileErrors];
  const figures: Array<CheckedFigure & { line: number }> = [];
  const firstLineOf = options.seen ?? new Map<string, number>();
  for (const { line, raw } of rows) {
    if (options.onlyEntity !== undefined && raw.entity.trim() !== options.onlyEntity) {
      errors.push({
        line,
        message: `row for entity "${raw.entity.trim()}": this file may only hold ${options.onlyEntity}'s figures`,
        problems: [],
        code: "other-entity",
        params: { entity: raw.entity.trim(), own: options.onlyEntity },
      });
      continue;
    }
    const result = checkFigure(raw, rules);
    if (!result.ok) {
      errors.push({
        line,
        message: result.problems.map(describeProblem).join("; "),
        problems: result.problems,
      });
      continue;
    }
    const key = `${result.figure.entity}|${result.figure.kpi}|${result.figure.period}`;
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      errors.push({
        line,
        message: `duplicate of line ${first}: ${result.figure.entity}, ${result.figure.kpi}, ${result.figure.period} appears twice`,
        problems: [],
        code: "duplicate",
        params: { first },
      });
      continue;
    }
    firstLineOf.set(key, line);
    figures.push({ ...result.figure, line });
  }
  errors.sort((a, b) => a.line - b.line);
  return { figures, errors };
}

/**
 * Imports a contract §2 CSV whole or not at all. Imported figures count as approved: they come
 * from the smart-city office's own tooling, not from an agency's draft.
 */
export function importFiguresCsv(
  db: Db,
  text: string,
  options: { actor: string; now: Date; currentPeriod: string },
): ImportResult {
  const errors: ImportError[] = [];
  let imported = 0;
  try {
    db.transaction((tx) => {
      // Rules are read inside the transaction, so a lock taken meanwhile cannot be slipped past.
      const rules = loadFigureRules(tx, options.currentPeriod);
      const seen = new Map<string, number>();
      // A batch is checked, then written while the file has had no problem so far; at the first
      // problem writing stops, the rest is still checked (every bad row is reported) and the
      // transaction is rolled back: all or nothing, with one batch in memory at a time.
      for (const batch of figureCsvBatches(text, IMPORT_BATCH_ROWS)) {
        const checked = checkFigureRows(batch.rows, rules, batch.errors, { seen });
        errors.push(...checked.errors);
        if (errors.length > 0) continue;
        saveFigures(tx, checked.figures, {
          action: "import",
          source: "import",
          status: "approved",
          actor: options.actor,
          now: options.now.toISOString(),
        });
        imported += checked.figures.length;
      }
      if (errors.length > 0) tx.rollback();
    });
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((x, y) => x.line - y.line) };
  return { ok: true, imported };
}

/** Rows checked and written at a time by an import. */
const IMPORT_BATCH_ROWS = 5_000;
