// Writing monthly figures: the rules from the database, the CSV import (all or nothing) and the
// one function that stores figures and appends their history.
import { and, eq, isNull } from "drizzle-orm";
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
 * Writes one figure (replacing `existing` when there is one, bumping its version) and appends
 * its history row with the old and new values. Every way a figure changes value goes through
 * here: the importer, the demo seed, the entry form and a focal point's upload.
 */
export function writeFigure(
  tx: Tx,
  f: CheckedFigure,
  existing: Figure | undefined,
  options: SaveOptions & {
    /** Columns set as well, e.g. the submission's time and author. */
    extra?: Partial<Pick<Figure, "submittedAt" | "submittedBy" | "reviewComment">>;
  },
): number {
  const values = {
    value: f.value,
    numerator: f.numerator,
    denominator: f.denominator,
    comment: f.comment,
    status: options.status,
    source: options.source,
    updatedBy: options.actor,
    updatedAt: options.now,
    ...options.extra,
  };
  let figureId: number;
  if (existing) {
    tx.update(s.figures)
      .set({ ...values, version: existing.version + 1 })
      .where(eq(s.figures.id, existing.id))
      .run();
    figureId = existing.id;
  } else {
    figureId = tx
      .insert(s.figures)
      .values({
        ...values,
        entityCode: f.entity,
        kpiCode: f.kpi,
        period: f.period,
        enteredBy: options.actor,
        enteredAt: options.now,
      })
      .returning({ id: s.figures.id })
      .get().id;
  }
  tx.insert(s.figureHistory)
    .values({
      figureId,
      action: options.action,
      oldValue: existing?.value ?? null,
      oldNumerator: existing?.numerator ?? null,
      oldDenominator: existing?.denominator ?? null,
      oldStatus: existing?.status ?? null,
      newValue: f.value,
      newNumerator: f.numerator,
      newDenominator: f.denominator,
      newStatus: options.status,
      comment: f.comment,
      actor: options.actor,
      at: options.now,
    })
    .run();
  return figureId;
}

/**
 * Stores figures, replacing any for the same (entity, KPI, period). Must run inside the
 * caller's transaction, so that a batch lands whole or not at all.
 */
export function saveFigures(tx: Tx, figures: CheckedFigure[], options: SaveOptions): void {
  for (const f of figures) {
    const existing = tx
      .select()
      .from(s.figures)
      .where(and(eq(s.figures.entityCode, f.entity), eq(s.figures.kpiCode, f.kpi), eq(s.figures.period, f.period)))
      .get();
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

/** Reads a contract §2 CSV into rows; a file that is not such a CSV gives errors instead. */
export function readFiguresCsv(text: string): { rows: ParsedRow[]; errors: ImportError[] } {
  const fail = (line: number, message: string, code: FileProblemCode, params: Record<string, string | number> = {}) => ({
    rows: [],
    errors: [{ line, message, problems: [], code, params }],
  });
  type Parsed = { record: string[]; raw: string; info: { lines: number } };
  let parsed: Parsed[];
  try {
    // CRLF inside a quoted field would be counted as two lines; as LF every line counts once.
    parsed = parse(text.replace(/\r\n?/g, "\n"), {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as Parsed[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return fail(line, `the file is not readable CSV: ${(error as Error).message.split(":")[0]}`, "unreadable");
  }
  // A row is reported by the line it starts on: its last line less the line breaks inside it.
  const records = parsed.map(({ record, raw, info }) => ({
    record,
    line: info.lines - (raw.replace(/\n$/, "").match(/\n/g)?.length ?? 0),
  }));
  if (records.length === 0) return fail(1, "the file is empty: expected a header line", "empty");

  const header = records[0].record.map((h) => h.trim().toLowerCase());
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
  if (errors.length > 0) return { rows: [], errors };
  if (records.length === 1) return fail(1, "the file has a header but no figures", "header-only");

  const rows: ParsedRow[] = [];
  for (const { record, line } of records.slice(1)) {
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
    const cell = (name: string) => {
      const i = header.indexOf(name);
      return i === -1 ? undefined : record[i];
    };
    rows.push({
      line,
      raw: {
        entity: cell("entity") ?? "",
        kpi: cell("kpi") ?? "",
        period: cell("period") ?? "",
        value: cell("value"),
        numerator: cell("numerator"),
        denominator: cell("denominator"),
        comment: cell("comment"),
      },
    });
  }
  return { rows, errors };
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
  options: { onlyEntity?: string } = {},
): { figures: Array<CheckedFigure & { line: number }>; errors: ImportError[] } {
  const errors = [...fileErrors];
  const figures: Array<CheckedFigure & { line: number }> = [];
  const firstLineOf = new Map<string, number>();
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
  return db.transaction((tx) => {
    // Rules are read inside the transaction, so a lock taken meanwhile cannot be slipped past.
    const rules = loadFigureRules(tx, options.currentPeriod);
    const { figures, errors } = checkFiguresCsv(text, rules);
    if (errors.length > 0) return { ok: false as const, errors };
    saveFigures(tx, figures, {
      action: "import",
      source: "import",
      status: "approved",
      actor: options.actor,
      now: options.now.toISOString(),
    });
    return { ok: true as const, imported: figures.length };
  });
}
