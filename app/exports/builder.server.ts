// The report builder: figures in long format (one row per entity, KPI and month, with status)
// or compliance in wide format (entities × months), over any range of months. Rows are produced
// a chunk (a month or less) at a time, so a download of the whole history streams instead of
// filling memory.
import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import { computeReport } from "../compliance/engine";
import { STATUSES, type EngineFigure, type EngineKpi } from "../compliance/types";
import type { StrategyKind } from "../compliance/strategy-kinds";
import type { Formatter } from "../i18n/format";
import { listEntities, listKpis } from "../models/kpis.server";
import { strategyNames } from "../models/scorecards.server";
import { activeEntityCodes, approved, engineKpis, figureColumns } from "../models/report.server";
import { monthsBetween, parsePeriod, periodRange, viewBounds } from "../figures/month";
import { column, CSV_BOM, csvHeader, csvRows, UNIT_KEY, valueColumn, type Cell, type Column } from "./tables";

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
 * Approved figures of one month and a range of KPI codes, with their comments: read once, the
 * engine taking the figures and the export the comments. Built with drizzle from the schema, run
 * as one prepared statement reading arrays: mapping 600,000 rows to objects through drizzle was a
 * quarter of a whole-history export.
 */
function figureReader(db: Db): (period: string, firstKpi: string, lastKpi: string) => FigureWithComment[] {
  const query = db
    .select({ ...figureColumns, comment: s.figures.comment })
    .from(s.figures)
    .where(
      and(
        eq(s.figures.period, sql.placeholder("period")),
        gte(s.figures.kpiCode, sql.placeholder("firstKpi")),
        lte(s.figures.kpiCode, sql.placeholder("lastKpi")),
        approved(),
      ),
    )
    .toSQL();
  type Row = [string, string, string, number, number | null, number | null, string | null];
  const statement = db.$client.prepare<[string, string, string], Row>(query.sql).raw(true);
  return (period, firstKpi, lastKpi) => {
    const rows = statement.all(period, firstKpi, lastKpi);
    const out: FigureWithComment[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [entity, kpi, p, value, numerator, denominator, comment] = rows[i];
      out[i] = { entity, kpi, period: p, value, numerator, denominator, comment };
    }
    return out;
  };
}

/** The About sheet's filters: which entities, KPIs and strategy item, and the shape, in words. */
export function describeSpec(db: Db, f: Formatter, spec: ReportSpec): string {
  const all = f.t("export.filter.all");
  const parts = [
    f.t("export.filter.entities", { list: spec.entities.length > 0 ? spec.entities.join(", ") : all }),
    f.t("export.filter.kpis", { list: spec.kpis.length > 0 ? spec.kpis.join(", ") : all }),
  ];
  if (spec.scope) {
    const { kind, code } = spec.scope;
    const item = strategyNames(db)[kind].find((i) => i.code === code);
    parts.push(f.t("export.filter.scope", { kind: f.t(`strategy.${kind}`), name: item ? f.name(item) : code }));
  }
  parts.push(f.t(spec.shape === "wide" ? "reports.wide" : "reports.long"));
  return parts.join(" · ");
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
    valueColumn(f, "actual", "col.actual"),
    column(f, "numerator", "kpi.numerator", "number"),
    column(f, "denominator", "kpi.denominator", "number"),
    valueColumn(f, "target", "col.target"),
    column(f, "targetKind", "export.targetKind"),
    column(f, "achievement", "col.achievement", "share"),
    column(f, "status", "export.statusCode"),
    column(f, "statusLabel", "col.status"),
    column(f, "comment", "entry.comment"),
  ];
}

/**
 * Rows per chunk: about 25 KB of CSV, a few milliseconds of work between turns of the event loop.
 * At 1,000 a page asked for during a whole-history download waited 350 ms behind the chunks; at
 * 250 it waits 160 ms, and the download takes 5% longer.
 */
const CHUNK_ROWS = 250;

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/**
 * The rows in chunks of a month or less. Long: one row per entity, KPI and month, a chunk being
 * a few KPIs of a month. Wide: one row per entity, all in the last chunk, after an empty chunk
 * for each month computed (so a reader can give other work a turn between months).
 *
 * Each month's approved figures are read once, comments with them, and handed to the compliance
 * engine (no trends: the export shows none). Its entity rows depend on their own KPI, entity
 * and figure alone, so computing the selected entities, and in the long shape a few KPIs at a
 * time (in the engine's own order, by code), gives exactly the rows of the city's whole report.
 */
export function* reportRows(
  db: Db,
  f: Formatter,
  spec: ReportSpec,
  { chunkRows = CHUNK_ROWS }: { chunkRows?: number } = {},
): Generator<Array<Record<string, Cell>>> {
  const { kpis, entities } = selection(db, spec);
  const selected = new Set(entities.map((e) => e.code));
  const entityCodes = activeEntityCodes(db).filter((code) => selected.has(code));
  const read = figureReader(db);
  // Names and words looked up once per export, not once per row.
  const entityName = new Map(entities.map((e) => [e.code, f.name(e)]));
  const kpiName = new Map(listKpis(db).map((k) => [k.code, f.name(k)]));
  const statusLabel = new Map(STATUSES.map((status) => [status, f.t(`status.${status}`)]));
  const unitOf = new Map(kpis.map((k) => [k.code, k.unit]));

  const sorted = [...kpis].sort(byCode);
  if (spec.shape === "wide") {
    const table = new Map<string, Record<string, Cell>>(entities.map((e) => [e.code, { code: e.code, entity: entityName.get(e.code)! }]));
    for (const period of periodRange(spec.from, spec.to)) {
      const figures = sorted.length > 0 ? read(period, sorted[0].code, sorted.at(-1)!.code) : [];
      const report = computeReport({ period, entities: entityCodes, kpis, figures }, { trends: false });
      const compliance = new Map(report.entities.map((c) => [c.code, c.compliance]));
      for (const entity of entities) table.get(entity.code)![period] = compliance.get(entity.code) ?? null;
      yield [];
    }
    yield [...table.values()];
    return;
  }

  // KPIs in groups of about chunkRows rows a month (more only when one KPI alone has more).
  const groups: EngineKpi[][] = [];
  let rowsInGroup = 0;
  for (const kpi of sorted) {
    const rows = kpi.reporters.filter((e) => selected.has(e)).length;
    if (groups.length === 0 || (rowsInGroup > 0 && rowsInGroup + rows > chunkRows)) {
      groups.push([]);
      rowsInGroup = 0;
    }
    groups.at(-1)!.push(kpi);
    rowsInGroup += rows;
  }

  for (const period of periodRange(spec.from, spec.to)) {
    for (const group of groups) {
      // Only the group's figures: each chunk reads, computes and writes about chunkRows rows.
      const figures = read(period, group[0].code, group.at(-1)!.code);
      const comments = new Map<string, string>();
      for (const figure of figures) if (figure.comment) comments.set(`${figure.entity}|${figure.kpi}`, figure.comment);
      const report = computeReport({ period, entities: entityCodes, kpis: group, figures }, { trends: false });
      const rows: Array<Record<string, Cell>> = [];
      for (const r of report.rows) {
        if (r.entity === null) continue;
        rows.push({
          period,
          code: r.entity,
          entity: entityName.get(r.entity) ?? r.entity,
          kpi: r.kpi,
          kpiName: kpiName.get(r.kpi) ?? r.kpi,
          [UNIT_KEY]: unitOf.get(r.kpi)!,
          actual: r.actual,
          numerator: r.explanation.figures.numerator,
          denominator: r.explanation.figures.denominator,
          target: r.target,
          targetKind: r.targetKind,
          achievement: r.achievement,
          status: r.status,
          statusLabel: statusLabel.get(r.status)!,
          comment: comments.get(`${r.entity}|${r.kpi}`) ?? null,
        });
      }
      yield rows;
    }
  }
}

/** Gives every other request waiting on the event loop its turn before the next chunk. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The report's rows chunk by chunk, each computed only when the one before has been taken, after a
 * turn of the event loop: a whole-history download never holds the file, and other requests run
 * while it streams.
 */
export async function* reportChunks(db: Db, f: Formatter, spec: ReportSpec): AsyncGenerator<Array<Record<string, Cell>>> {
  const rows = reportRows(db, f, spec);
  try {
    for (;;) {
      await nextTurn();
      const next = rows.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    rows.return(undefined);
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
      for (;;) {
        const next = await chunks.next();
        if (next.done) return controller.close();
        if (next.value.length === 0) continue;
        return controller.enqueue(encoder.encode(csvRows(columns, next.value)));
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
