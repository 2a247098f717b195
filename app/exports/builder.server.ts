// The report builder: figures in long format (one row per entity, KPI and month, with status)
// or compliance in wide format (entities × months), over any range of months. Rows are produced
// a month at a time, so a download of the whole history streams instead of filling memory.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import { rollUp } from "../compliance/engine";
import type { StrategyKind } from "../compliance/strategy-kinds";
import type { Formatter } from "../i18n/format";
import { listEntities, listKpis } from "../models/kpis.server";
import { engineKpis } from "../models/report.server";
import { statusReportFor } from "../models/scorecards.server";
import { monthsBetween, parsePeriod, periodRange, viewBounds } from "../utils/period";
import { column, type Cell, type Column } from "./tables";

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
  const { kpis, entities } = selection(db, spec);
  const kpiCodes = new Set(kpis.map((k) => k.code));
  const entityCodes = new Set(entities.map((e) => e.code));
  const entityName = new Map(entities.map((e) => [e.code, f.name(e)]));
  const kpiName = new Map(listKpis(db).map((k) => [k.code, f.name(k)]));
  const weights = new Map(kpis.map((k) => [k.code, k.weight]));

  if (spec.shape === "wide") {
    const table = new Map<string, Record<string, Cell>>(entities.map((e) => [e.code, { code: e.code, entity: f.name(e) }]));
    for (const period of periodRange(spec.from, spec.to)) {
      const report = statusReportFor(db, period);
      for (const entity of entities) {
        const rows = report.rows.filter((r) => r.entity === entity.code && kpiCodes.has(r.kpi));
        table.get(entity.code)![period] = rollUp(entity.code, rows, (k) => weights.get(k) ?? 1).compliance;
      }
    }
    yield [...table.values()];
    return;
  }

  for (const period of periodRange(spec.from, spec.to)) {
    const report = statusReportFor(db, period);
    const comments = new Map(
      db
        .select({ entity: s.figures.entityCode, kpi: s.figures.kpiCode, comment: s.figures.comment })
        .from(s.figures)
        .where(and(eq(s.figures.period, period), eq(s.figures.status, "approved"), inArray(s.figures.kpiCode, [...kpiCodes])))
        .all()
        .filter((c) => c.comment)
        .map((c) => [`${c.entity}|${c.kpi}`, c.comment]),
    );
    yield report.rows
      .filter((r) => r.entity !== null && entityCodes.has(r.entity) && kpiCodes.has(r.kpi))
      .map((r) => ({
        period,
        code: r.entity,
        entity: entityName.get(r.entity!) ?? r.entity,
        kpi: r.kpi,
        kpiName: kpiName.get(r.kpi) ?? r.kpi,
        actual: r.actual,
        numerator: r.explanation.figures.numerator,
        denominator: r.explanation.figures.denominator,
        target: r.target,
        targetKind: r.targetKind,
        achievement: r.achievement,
        status: r.status,
        statusLabel: f.t(`status.${r.status}`),
        comment: comments.get(`${r.entity}|${r.kpi}`) ?? null,
      }));
  }
}
