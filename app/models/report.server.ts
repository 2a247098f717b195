// Reads what the compliance engine needs from the database, and nothing more: the definitions
// in force and the approved figures of the months a report reads.
import { and, asc, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import { computeReport, computeSeries, periodsRead } from "../compliance/engine";
import type { ComplianceReport, EngineFigure, EngineKpi } from "../compliance/types";
import { cachedForDefinitions, cachedForFigures } from "./definitions-cache.server";
import { listKpis } from "./kpis.server";
import { editionReport } from "./published.server";

/** Entities in force, in register order. */
export function activeEntityCodes(db: Db): string[] {
  return cachedForDefinitions(db, "activeEntityCodes", () => readActiveEntityCodes(db));
}

function readActiveEntityCodes(db: Db): string[] {
  return db
    .select({ code: s.entities.code })
    .from(s.entities)
    .where(isNull(s.entities.retiredAt))
    .orderBy(asc(s.entities.position))
    .all()
    .map((e) => e.code);
}

/** The KPIs in force as the engine takes them, with `reporters: all` resolved. */
/** The KPI the overview leads with: the heaviest, the smart-transaction share in the catalogue. */
export function headlineKpi(kpis: EngineKpi[]): EngineKpi | undefined {
  return [...kpis].sort((a, b) => b.weight - a.weight)[0];
}

export function engineKpis(db: Db): EngineKpi[] {
  return cachedForDefinitions(db, "engineKpis", () => readEngineKpis(db, activeEntityCodes(db)));
}

function readEngineKpis(db: Db, entities: string[]): EngineKpi[] {
  const reporters = db.select().from(s.kpiReporters).all();
  return listKpis(db).map((kpi) => ({
    code: kpi.code,
    unit: kpi.unit,
    direction: kpi.direction,
    measure: kpi.measure,
    aggregation: kpi.aggregation,
    weight: kpi.weight,
    atRiskBand: kpi.atRiskBand,
    reporters: kpi.reportersAll
      ? entities
      : reporters.filter((r) => r.kpiCode === kpi.code).map((r) => r.entityCode),
    targets: kpi.targets,
    links: {
      policies: kpi.policies.map((p) => p.code),
      initiatives: kpi.initiatives.map((p) => p.code),
      pillars: kpi.pillars.map((p) => p.code),
      dimensions: kpi.dimensions.map((p) => p.code),
    },
  }));
}

/**
 * "Approved", written as a literal: SQLite uses the partial indexes on approved figures
 * (db/schema.ts) only for a condition it can see when the statement is prepared, not a parameter.
 */
export const approved = () => sql`${s.figures.status} = 'approved'`;

/** The columns the engine reads of a figure, in the order they are selected. */
export const figureColumns = {
  entity: s.figures.entityCode,
  kpi: s.figures.kpiCode,
  period: s.figures.period,
  value: s.figures.value,
  numerator: s.figures.numerator,
  denominator: s.figures.denominator,
};

/**
 * Runs a select as drizzle builds it (typed from the schema), but reads the rows as arrays
 * straight from better-sqlite3 and names their fields in one loop: drizzle's mapping of each row
 * was a quarter of the overview's server time at 600,000 figures, for a few plain columns.
 * `fields` are the select's keys, in its order.
 */
export function selectRows<T>(
  db: Db,
  query: { toSQL: () => { sql: string; params: unknown[] } },
  fields: readonly string[],
): T[] {
  const { sql: text, params } = query.toSQL();
  const rows = db.$client
    .prepare(text)
    .raw()
    .all(...params) as unknown[][];
  const out: T[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, unknown> = {};
    for (let f = 0; f < fields.length; f++) row[fields[f]] = rows[i][f];
    out[i] = row as T;
  }
  return out;
}

const FIGURE_FIELDS = Object.keys(figureColumns);
const readFigures = (db: Db, query: { toSQL: () => { sql: string; params: unknown[] } }) =>
  selectRows<EngineFigure>(db, query, FIGURE_FIELDS);

/** Approved figures of the given months. Only approved figures count in compliance. */
export function approvedFiguresIn(
  db: Db,
  periods: string[],
  filter: { kpi?: string; entity?: string } = {},
): EngineFigure[] {
  return readFigures(
    db,
    db
      .select(figureColumns)
      .from(s.figures)
      .where(
        and(
          inArray(s.figures.period, periods),
          approved(),
          filter.kpi ? eq(s.figures.kpiCode, filter.kpi) : undefined,
          filter.entity ? eq(s.figures.entityCode, filter.entity) : undefined,
        ),
      ),
  );
}

/** Approved figures of one KPI (and optionally one entity) between two months, both included. */
export function approvedFiguresBetween(
  db: Db,
  kpi: string,
  from: string,
  to: string,
  entity?: string,
): EngineFigure[] {
  return readFigures(
    db,
    db
      .select(figureColumns)
      .from(s.figures)
      .where(
        and(
          eq(s.figures.kpiCode, kpi),
          gte(s.figures.period, from),
          lte(s.figures.period, to),
          approved(),
          entity ? eq(s.figures.entityCode, entity) : undefined,
        ),
      ),
  );
}

/** The compliance report for one month, from the database; optionally for one KPI only. */
export function reportFor(db: Db, period: string, filter: { kpi?: string } = {}): ComplianceReport {
  // A published month is what was published: its latest edition, whatever changed since.
  const published = editionReport(db, period);
  if (published) {
    const { report } = published;
    return filter.kpi ? { ...report, rows: report.rows.filter((r) => r.kpi === filter.kpi) } : report;
  }
  // The same month is asked for by the pages, the API and the exports: computed once per
  // version of the figures and definitions.
  return cachedForFigures(db, `report:${period}:${filter.kpi ?? ""}`, () =>
    computeReportFor(db, period, filter),
  );
}

function computeReportFor(db: Db, period: string, filter: { kpi?: string }): ComplianceReport {
  const entities = activeEntityCodes(db);
  return computeReport({
    period,
    entities,
    kpis: filter.kpi ? engineKpis(db).filter((k) => k.code === filter.kpi) : engineKpis(db),
    figures: approvedFiguresIn(db, periodsRead(period), filter),
  });
}

/**
 * One entity's rows and roll-up for a month. Reads only that entity's figures: its compliance
 * and score depend on its own rows alone, so the rest of the city is not needed.
 */
export function scorecardFor(db: Db, entity: string, period: string) {
  const kpis = engineKpis(db)
    .filter((k) => k.reporters.includes(entity))
    .map((k) => ({ ...k, reporters: [entity] }));
  const report = computeReport({
    period,
    entities: [entity],
    kpis,
    figures: approvedFiguresIn(db, periodsRead(period), { entity }),
  });
  return {
    period,
    rows: report.rows.filter((r) => r.entity === entity),
    compliance: report.entities[0],
  };
}

/** The city-wide row of one KPI month by month, against its targets. */
export function citySeriesFor(db: Db, kpiCode: string, from: string, to: string) {
  const kpi = engineKpis(db).find((k) => k.code === kpiCode);
  if (!kpi) return null;
  return computeSeries({
    kpi,
    entity: null,
    figures: approvedFiguresBetween(db, kpiCode, from, to),
    from,
    to,
  });
}
