// What people see, as HTTP requests, each with its floor: the rows that answer needs, read with
// raw SQL through better-sqlite3 from the same indexed figures table, in the benchmark process.
// The floor is what no implementation can beat on this machine; the ratio says how much the app
// spends on top of it (engine, React rendering, serialisation, HTTP).
import type Database from "better-sqlite3";
import { addMonths, periodRange } from "../app/figures/month";
import { BENCH_PERIOD, entityCode } from "./synthetic";

/** Who asks: the admin's browser session, or the admin's personal access token. */
export type Audience = "session" | "token";

export interface PageCase {
  name: string;
  path: string;
  audience: Audience;
  /** Reads what the answer needs; the returned value is only there so nothing is optimised away. */
  floor: (sql: Database.Database) => unknown;
}

const FIGURE_COLUMNS = "entity_code, kpi_code, period, value, numerator, denominator, status, submitted_at";

/** The thirteen months the engine reads for a month: the month, the eleven before it and a year back. */
export function monthsRead(period: string): string[] {
  const months = new Set<string>();
  for (let i = 0; i < 12; i++) months.add(addMonths(period, -i));
  months.add(addMonths(period, -12));
  return [...months].sort();
}

/** The definition rows every page starts from: entities, KPIs, their targets, reporters and links. */
function definitionRows(sql: Database.Database, kpis?: string[]) {
  const where = kpis ? ` WHERE kpi_code IN (${kpis.map(() => "?").join(",")})` : "";
  const args = kpis ?? [];
  return [
    sql.prepare(`SELECT code, name_en, name_ar, parent_code FROM entities WHERE retired_at IS NULL`).all(),
    kpis
      ? sql.prepare(`SELECT * FROM kpis WHERE code IN (${kpis.map(() => "?").join(",")})`).all(...kpis)
      : sql.prepare(`SELECT * FROM kpis WHERE retired_at IS NULL`).all(),
    sql.prepare(`SELECT * FROM kpi_targets${where}`).all(...args),
    sql.prepare(`SELECT * FROM kpi_target_entities`).all(),
    sql.prepare(`SELECT * FROM kpi_reporters${where}`).all(...args),
    sql.prepare(`SELECT * FROM kpi_policies${where}`).all(...args),
    sql.prepare(`SELECT * FROM kpi_initiatives${where}`).all(...args),
    sql.prepare(`SELECT * FROM kpi_pillars${where}`).all(...args),
    sql.prepare(`SELECT * FROM kpi_dimensions${where}`).all(...args),
  ];
}

/** Approved figures of every entity and KPI in `months`. */
function monthsFigures(sql: Database.Database, months: string[]) {
  return sql
    .prepare(`SELECT ${FIGURE_COLUMNS} FROM figures WHERE period IN (${months.map(() => "?").join(",")}) AND status = 'approved'`)
    .all(...months);
}

/** One KPI's approved figures, every entity, over a range of months. */
function kpiSeries(sql: Database.Database, kpi: string, from: string, to: string) {
  return sql
    .prepare(`SELECT ${FIGURE_COLUMNS} FROM figures WHERE kpi_code = ? AND period BETWEEN ? AND ? AND status = 'approved'`)
    .all(kpi, from, to);
}

const firstPeriod = (sql: Database.Database) =>
  (sql.prepare(`SELECT min(period) AS p FROM figures WHERE status = 'approved'`).get() as { p: string }).p;

/**
 * The overview's floor: the definitions, every approved figure of the month and the month
 * before (statuses, league, heatmap, roll-ups, what changed, timeliness) and the headline KPI
 * (K01, the heaviest) from the first month to this one (its trend and forecast).
 */
function overviewFloor(sql: Database.Database, period: string) {
  return [
    definitionRows(sql),
    monthsFigures(sql, [addMonths(period, -1), period]),
    kpiSeries(sql, "K01", firstPeriod(sql), period),
  ];
}

/** The entity page's floor: the definitions and the entity's figures for the thirteen months read. */
function entityFloor(sql: Database.Database, code: string, period: string) {
  const months = monthsRead(period);
  return [
    definitionRows(sql),
    sql
      .prepare(`SELECT ${FIGURE_COLUMNS} FROM figures WHERE entity_code = ? AND period IN (${months.map(() => "?").join(",")}) AND status = 'approved'`)
      .all(code, ...months),
  ];
}

/** A case whose address changes from one request to the next (`round` counts them). */
export interface RotatingCase {
  path: (round: number) => string;
  floor: (sql: Database.Database, round: number) => unknown;
}

/**
 * The entity page as the first person to open it in a while sees it: a different entity each
 * request, so nothing the server made for an earlier one (the entity's scorecard, its table's
 * markup: decision 28) answers it. The server keeps 32 computations; the entities come round
 * again only after `entities` requests.
 */
export function entityFirstView(period: string, entities: number): RotatingCase {
  const code = (round: number) => entityCode(round % entities);
  return {
    path: (round) => `/entities/${code(round)}?period=${period}`,
    floor: (sql, round) => entityFloor(sql, code(round), period),
  };
}

export function pageCases(period = BENCH_PERIOD): PageCase[] {
  const q = `period=${period}`;
  return [
    {
      name: "overview /",
      path: `/?${q}`,
      audience: "session",
      floor: (sql) => overviewFloor(sql, period),
    },
    {
      // Floor: the definitions and the entity's figures for the thirteen months the engine reads
      // (this month, eleven before, a year back: actuals, 12-month trend, change, forecast).
      name: "entity /entities/E007",
      path: `/entities/E007?${q}`,
      audience: "session",
      floor: (sql) => entityFloor(sql, "E007", period),
    },
    {
      // Floor: the KPI's definition and its figures for every entity from the first month to
      // this one (the city series and each entity's series; every entity for the month).
      name: "KPI /kpis/K01",
      path: `/kpis/K01?${q}`,
      audience: "session",
      floor: (sql) => [definitionRows(sql, ["K01"]), kpiSeries(sql, "K01", firstPeriod(sql), period)],
    },
    {
      // Floor: the linked KPIs' definitions and their figures for every entity over the
      // thirteen months read (statuses and what holds each back).
      name: "pillar /strategy/pillars/pillar-0",
      path: `/strategy/pillars/pillar-0?${q}`,
      audience: "session",
      floor: (sql) => {
        const kpis = (sql.prepare(`SELECT kpi_code FROM kpi_pillars WHERE pillar_code = ?`).all("pillar-0") as Array<{ kpi_code: string }>).map((r) => r.kpi_code);
        const months = monthsRead(period);
        return [
          definitionRows(sql, kpis),
          sql
            .prepare(
              `SELECT ${FIGURE_COLUMNS} FROM figures WHERE kpi_code IN (${kpis.map(() => "?").join(",")}) AND period IN (${months.map(() => "?").join(",")}) AND status = 'approved'`,
            )
            .all(...kpis, ...months),
        ];
      },
    },
    {
      // Floor: the reporters and every figure of the month, whatever its status (the office's
      // submission states: counts by status and timeliness per entity).
      name: "figures /figures",
      path: `/figures?${q}`,
      audience: "session",
      floor: (sql) => [
        sql.prepare(`SELECT * FROM kpi_reporters`).all(),
        sql.prepare(`SELECT code, name_en, name_ar FROM entities WHERE retired_at IS NULL`).all(),
        sql.prepare(`SELECT ${FIGURE_COLUMNS} FROM figures WHERE period = ?`).all(period),
      ],
    },
    {
      // Floor: the definitions and every approved figure of the thirteen months read (the
      // report's rows with their trends and forecasts).
      name: "API /api/v1/report",
      path: `/api/v1/report?${q}`,
      audience: "token",
      floor: (sql) => [definitionRows(sql), monthsFigures(sql, monthsRead(period))],
    },
    {
      name: "overview CSV /export",
      path: `/export?view=overview&format=csv&${q}`,
      audience: "session",
      floor: (sql) => overviewFloor(sql, period),
    },
    {
      name: "overview XLSX /export",
      path: `/export?view=overview&format=xlsx&${q}`,
      audience: "session",
      floor: (sql) => overviewFloor(sql, period),
    },
  ];
}

/** The report builder's whole history in long format, as CSV. */
export function longCsvPath(from: string, to: string): string {
  return `/reports/download?from=${from}&to=${to}&shape=long&format=csv`;
}

/**
 * The long CSV's floor: every approved figure of the history with its entity's and KPI's
 * names, month by month, read to the last row; and the first month alone (the first byte).
 */
export function longCsvFloor(sql: Database.Database, from: string, to: string): { firstMs: number; totalMs: number; rows: number } {
  const started = performance.now();
  const byMonth = sql.prepare(
    `SELECT f.period, f.entity_code, e.name_en, f.kpi_code, k.name_en AS kpi_name, f.value, f.numerator, f.denominator
     FROM figures f JOIN entities e ON e.code = f.entity_code JOIN kpis k ON k.code = f.kpi_code
     WHERE f.period = ? AND f.status = 'approved' ORDER BY f.entity_code, f.kpi_code`,
  );
  let rows = 0;
  let firstMs = NaN;
  for (const month of periodRange(from, to)) {
    for (const row of byMonth.iterate(month)) {
      if (row) rows++;
    }
    if (Number.isNaN(firstMs)) firstMs = performance.now() - started;
  }
  return { firstMs, totalMs: performance.now() - started, rows };
}
