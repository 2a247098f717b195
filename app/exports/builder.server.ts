// The report builder: figures in long format (one row per entity, KPI and month, with status)
// or compliance in wide format (entities × months), over any range of months. Rows are produced
// a month at a time, so a download of the whole history streams instead of filling memory.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import { computeReport } from "../compliance/engine";
import { STATUSES, type EngineFigure } from "../compliance/types";
import type { StrategyKind } from "../compliance/strategy-kinds";
import type { Formatter } from "../i18n/format";
import { listEntities, listKpis } from "../models/kpis.server";
import { activeEntityCodes, approved, engineKpis } from "../models/report.server";
import { monthsBetween, parsePeriod, periodRange, viewBounds } from "../utils/period";
import { column, CSV_BOM, csvHeader, csvRow, type Cell, type Column } from "./tables";

export interface ReportSpec {
  from: string;
  to: string;
  /** Entity codes; empty for all. */
  entities: string[];
  /** KPI codes; empty for all (or all linked to `scope`). */
  kpis: string[];
  scope: { kind: Exclude<StrategyKind, "dimensions">; code: string } | null;
  shape: "long" | "wide";
}

const MAX_MONTHS = 240;

/** Reads a spec from the query string; a message for the first thing wrong, or the spec. */
export function parseSpec(params: URLSearchParams, defaults: { from: string; to: string }): ReportSpec | { error: string } {
  const from = params.get("from") || defaults.from;
  const to = params.get("to") || defaults.to;
  const bounds = viewBounds(new Date());
  if (!parsePeriod(from, bounds).ok || !parsePeriod(to, bounds).ok) {
    return { error: `from and to must be months written YYYY-MM, from ${bounds.earliest} to ${bounds.latest}` };
  }
  if (from > to) return { error: "from must not be after to" };
  if (monthsBetween(from, to) + 1 > MAX_MONTHS) return { error: `at most ${MAX_MONTHS} months` };
  const scopeText = params.get("scope") ?? "";
  let scope: ReportSpec["scope"] = null;
  if (scopeText) {
    const [kind, code] = scopeText.split(":");
    if (!["pillars", "initiatives", "policies"].includes(kind) || !code) return { error: "scope must be pillars:CODE, initiatives:CODE or policies:CODE" };
    scope = { kind: kind as "pillars" | "initiatives" | "policies", code };
  }
  const shape = params.get("shape") === "wide" ? "wide" : "long";
  return { from, to, entities: params.getAll("entity").filter(Boolean), kpis: params.getAll("kpi").filter(Boolean), scope, shape };
}

function selection(db: Db, spec: ReportSpec) {
  const kpis = engineKpis(db).filter(
    (k) => (spec.kpis.length === 0 || spec.kpis.includes(k.code)) && (!spec.scope || k.links[spec.scope.kind].includes(spec.scope.code)),
  );
  const entities = listEntities(db).filter((e) => spec.entities.length === 0 || spec.entities.includes(e.code));
  return { kpis, entities };
}

interface FigureWithComment extends EngineFigure {
  comment: string | null;
}

/**
 * One month's approved figures with their comments, read once: the engine takes the figures, the
 * export the comments. Built with drizzle from the schema, run on the connection's own prepared
 * statement in raw mode (arrays): mapping 600,000 rows to objects through drizzle was a quarter
 * of a whole-history export.
 */
function monthReader(db: Db): (period: string) => FigureWithComment[] {
  const query = db
    .select({
      entity: s.figures.entityCode,
      kpi: s.figures.kpiCode,
      period: s.figures.period,
      value: s.figures.value,
      numerator: s.figures.numerator,
      denominator: s.figures.denominator,
      comment: s.figures.comment,
    })
    .from(s.figures)
    .where(and(eq(s.figures.period, sql.placeholder("period")), approved()))
    .toSQL();
  const statement = db.$client.prepare<[string], [string, string, string, number, number | null, number | null, string | null]>(query.sql).raw(true);
  return (period) =>
    statement.all(period).map(([entity, kpi, p, value, numerator, denominator, comment]) => ({ entity, kpi, period: p, value, numerator, denominator, comment }));
}

/**
 * The compliance engine's report for one month of the selection, from that month's figures only
 * (no trends: the export shows none). Each entity row depends on its own KPI, entity and figure
 * alone, so computing the selected entities and KPIs gives the rows and roll-ups the whole city's
 * report has for them.
 */
function monthlyReports(db: Db, spec: ReportSpec) {
  const { kpis, entities } = selection(db, spec);
  const selected = new Set(entities.map((e) => e.code));
  const entityCodes = activeEntityCodes(db).filter((code) => selected.has(code));
  const read = monthReader(db);
  return {
    entities,
    report(period: string) {
      const figures = read(period);
      return { figures, report: computeReport({ period, entities: entityCodes, kpis, figures }, { trends: false }) };
    },
  };
}

export function reportColumns(db: Db, f: Formatter, spec: ReportSpec): Column[] {
  if (spec.shape === "wide") {
    return [
      column(f, "code", "export.entityCode"),
      column(f, "entity", "col.entity"),
      ...periodRange(spec.from, spec.to).map((p) => ({ key: p, header: p, type: "share" as const })),
    ];
  }
  return [
    column(f, "period", "figures.col.month"),
    column(f, "code", "export.entityCode"),
    column(f, "entity", "col.entity"),
    column(f, "kpi", "export.kpiCode"),
    column(f, "kpiName", "col.kpi"),
    column(f, "actual", "col.actual", "number"),
    column(f, "numerator", "kpi.numerator", "number"),
    column(f, "denominator", "kpi.denominator", "number"),
    column(f, "target", "col.target", "number"),
    column(f, "targetKind", "export.targetKind"),
    column(f, "achievement", "col.achievement", "share"),
    column(f, "status", "export.statusCode"),
    column(f, "statusLabel", "col.status"),
    column(f, "comment", "entry.comment"),
  ];
}

/** The rows, a month at a time. Long: one per entity, KPI and month. Wide: one per entity. */
export function* reportRows(db: Db, f: Formatter, spec: ReportSpec): Generator<Array<Record<string, Cell>>> {
  const { entities, report } = monthlyReports(db, spec);
  // Names and words looked up once per export, not once per row.
  const entityName = new Map(entities.map((e) => [e.code, f.name(e)]));
  const kpiName = new Map(listKpis(db).map((k) => [k.code, f.name(k)]));
  const statusLabel = new Map(STATUSES.map((status) => [status, f.t(`status.${status}`)]));

  if (spec.shape === "wide") {
    const table = new Map<string, Record<string, Cell>>(entities.map((e) => [e.code, { code: e.code, entity: entityName.get(e.code)! }]));
    for (const period of periodRange(spec.from, spec.to)) {
      const month = report(period).report;
      const compliance = new Map(month.entities.map((c) => [c.code, c.compliance]));
      for (const entity of entities) table.get(entity.code)![period] = compliance.get(entity.code) ?? null;
    }
    yield [...table.values()];
    return;
  }

  for (const period of periodRange(spec.from, spec.to)) {
    const { figures, report: month } = report(period);
    // Comments by entity and KPI, from the figures the engine was given.
    const comments = new Map<string, string>();
    for (const figure of figures) if (figure.comment) comments.set(`${figure.entity}|${figure.kpi}`, figure.comment);
    const rows: Array<Record<string, Cell>> = [];
    for (const r of month.rows) {
      if (r.entity === null) continue;
      rows.push({
        period,
        code: r.entity,
        entity: entityName.get(r.entity) ?? r.entity,
        kpi: r.kpi,
        kpiName: kpiName.get(r.kpi) ?? r.kpi,
        actual: r.actual,
        numerator: r.explanation.figures.numerator,
        denominator: r.explanation.figures.denominator,
        target: r.target,
        targetKind: r.targetKind,
        achievement: r.achievement,
        status: r.status,
        statusLabel: statusLabel.get(r.status)!,
        comment: comments.size > 0 ? (comments.get(`${r.entity}|${r.kpi}`) ?? null) : null,
      });
    }
    yield rows;
  }
}

/** Rows per chunk of a download: about 100 KB of CSV, a few milliseconds of work between turns. */
const CHUNK_ROWS = 1000;

/** Gives every other request waiting on the event loop its turn before the next chunk. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The report's rows in chunks of at most `CHUNK_ROWS`, a month computed only when the one before
 * has been used up, with a turn of the event loop before each chunk: a whole-history download
 * never holds the file, and other requests run while it streams.
 */
export async function* reportChunks(db: Db, f: Formatter, spec: ReportSpec): AsyncGenerator<Array<Record<string, Cell>>> {
  for (const month of reportRows(db, f, spec)) {
    for (let start = 0; start < month.length; start += CHUNK_ROWS) {
      await nextTurn();
      yield month.length <= CHUNK_ROWS ? month : month.slice(start, start + CHUNK_ROWS);
    }
  }
}

/**
 * The report as CSV: the BOM and header row at once, then the rows chunk by chunk as the reader
 * asks for them (a pull per chunk, so a reader that stops asking stops the work).
 */
export function reportCsv(db: Db, f: Formatter, spec: ReportSpec): ReadableStream<Uint8Array> {
  const columns = reportColumns(db, f, spec);
  const chunks = reportChunks(db, f, spec);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(CSV_BOM + csvHeader(columns)));
    },
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) return controller.close();
      let text = "";
      for (const row of next.value) text += csvRow(columns, row);
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
