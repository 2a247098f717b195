// Writing monthly figures: the rules from the database, the CSV import (all or nothing), the
// one function that stores figures and the one that appends a figure's history row. Reading the
// files is app/figures (csv.server.ts, upload.server.ts); which moves a figure may make is
// app/figures/states.ts.
import { isNull, TransactionRollbackError } from "drizzle-orm";
import type { Database as SqliteConnection } from "better-sqlite3";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { FigureAction, FigureStatus } from "../../db/schema";
import {
  figureCsvBatches,
  readFiguresCsv,
  type ImportError,
  type ParsedRow,
} from "../figures/csv.server";
import {
  checkFigure,
  describeProblem,
  type CheckedFigure,
  type FigureRules,
  type KpiRules,
} from "../figures/rules";
import { statusAfter } from "../figures/states";

// The entry page imports the type from here; its home is the CSV reader.
export type { ImportError };

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
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity_code, kpi_code, period) DO NOTHING`,
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
 * its history row with the old and new values (appendHistory). Every way a figure changes value goes through
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
  const { actor, now, status, source } = options;
  const after = { value: f.value, numerator: f.numerator, denominator: f.denominator, status };
  if (existing === undefined) {
    // Inserted at once, and read and replaced only when the figure turns out to be there
    // already: an import of new figures runs one statement a row instead of two.
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
      extra.submittedAt ?? null,
      extra.submittedBy ?? null,
      extra.reviewComment ?? null,
    );
    if (inserted.changes > 0) {
      const figureId = Number(inserted.lastInsertRowid);
      appendHistory(tx, figureId, options.action, null, after, f.comment, actor, now);
      return figureId;
    }
    existing = statements.find.get(f.entity, f.kpi, f.period) as StoredFigure;
  }
  // Columns not given in `extra` keep what the figure had.
  const submittedAt = "submittedAt" in extra ? extra.submittedAt : existing.submittedAt;
  const submittedBy = "submittedBy" in extra ? extra.submittedBy : existing.submittedBy;
  const reviewComment = "reviewComment" in extra ? extra.reviewComment : existing.reviewComment;
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
  appendHistory(tx, existing.id, options.action, existing, after, f.comment, actor, now);
  return existing.id;
}

/** A figure's values and state, as its history records them before and after a change. */
export type HistoryValues = Pick<Figure, "value" | "numerator" | "denominator" | "status">;

/**
 * Appends one row to a figure's history (append-only: the migrations' triggers refuse the rest).
 * The one place the row is built: writeFigure's saves, submissions and imports, a review, a month
 * locked or reopened. `before` is null for a figure that did not exist. The definitions cache
 * takes the newest row as the figures' version, so a change that skips this is never seen.
 */
export function appendHistory(
  tx: Tx,
  figureId: number,
  action: FigureAction,
  before: HistoryValues | null,
  after: HistoryValues,
  comment: string | null,
  actor: string,
  at: string,
): void {
  figureStatements(tx).history.run(
    figureId,
    action,
    before?.value ?? null,
    before?.numerator ?? null,
    before?.denominator ?? null,
    before?.status ?? null,
    after.value,
    after.numerator,
    after.denominator,
    after.status,
    comment,
    actor,
    at,
  );
}

/**
 * Stores figures, replacing any for the same (entity, KPI, period). Must run inside the
 * caller's transaction, so that a batch lands whole or not at all.
 */
export function saveFigures(tx: Tx, figures: CheckedFigure[], options: SaveOptions): void {
  // writeFigure finds the figure a row replaces itself, when there is one.
  for (const f of figures) writeFigure(tx, f, undefined, options);
}

/**
 * The first line of each (entity, KPI, period) in a file, to report a repeated one. Kept by a
 * number, not a string such as "DM|K01|2018-12": 600,000 such strings, each built from pieces
 * of the file, held 120 MB of an import's memory; numbers hold a tenth of that.
 */
export class FirstLines {
  private readonly pairs = new Map<string, number>();
  private readonly lines = new Map<number, number>();

  /** The line that first held this figure, or undefined (and `line` is kept as its first). */
  claim(f: Pick<CheckedFigure, "entity" | "kpi" | "period">, line: number): number | undefined {
    const pair = `${f.entity}|${f.kpi}`;
    let pairIndex = this.pairs.get(pair);
    if (pairIndex === undefined) {
      pairIndex = this.pairs.size;
      this.pairs.set(pair, pairIndex);
    }
    // A checked period is YYYY-MM: its month number is below 12 × 10,000.
    const month = Number(f.period.slice(0, 4)) * 12 + Number(f.period.slice(5, 7)) - 1;
    const key = pairIndex * 120_000 + month;
    const first = this.lines.get(key);
    if (first === undefined) this.lines.set(key, line);
    return first;
  }
}

export type ImportResult = { ok: true; imported: number } | { ok: false; errors: ImportError[] };

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
    seen?: FirstLines;
  } = {},
): { figures: Array<CheckedFigure & { line: number }>; errors: ImportError[] } {
  const errors = [...fileErrors];
  const figures: Array<CheckedFigure & { line: number }> = [];
  const firstLines = options.seen ?? new FirstLines();
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
    const first = firstLines.claim(result.figure, line);
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
      const seen = new FirstLines();
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
          // Approved whatever each figure's state before: the office's own figures (states.ts).
          status: statusAfter(null, "import"),
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

/**
 * Rows checked and written at a time by an import. Small enough that a batch dies young: at
 * 5,000 its rows outlived the young generation and raised the import's peak memory.
 */
const IMPORT_BATCH_ROWS = 500;
