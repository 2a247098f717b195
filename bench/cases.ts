// What the benchmark measures, each beside its floor: the raw SQL read of exactly the rows the
// computation needs, through better-sqlite3 with no mapping and no engine.
import type { Db } from "../db/index";
import { periodsRead } from "../app/compliance/engine";
import { citySeriesFor, reportFor, scorecardFor } from "../app/models/report.server";
import { entityScorecardFor, overviewFor } from "../app/models/scorecards.server";
import { addMonths } from "../app/utils/period";
import { BENCH_PERIOD, SCALE } from "./synthetic";

export interface BenchCase {
  name: string;
  run: (db: Db) => unknown;
  floor: (db: Db) => unknown;
}

/** The definition rows every computation starts from. */
function readDefinitionRows(db: Db, kpi?: string) {
  const c = db.$client;
  const where = kpi ? " WHERE kpi_code = ?" : "";
  const args = kpi ? [kpi] : [];
  return [
    c.prepare(`SELECT code FROM entities WHERE retired_at IS NULL`).all(),
    kpi
      ? c.prepare(`SELECT * FROM kpis WHERE code = ?`).all(kpi)
      : c.prepare(`SELECT * FROM kpis WHERE retired_at IS NULL`).all(),
    c.prepare(`SELECT * FROM kpi_targets${where}`).all(...args),
    c.prepare(`SELECT * FROM kpi_target_entities`).all(),
    c.prepare(`SELECT * FROM kpi_reporters${where}`).all(...args),
    c.prepare(`SELECT * FROM kpi_policies${where}`).all(...args),
    c.prepare(`SELECT * FROM kpi_initiatives${where}`).all(...args),
    c.prepare(`SELECT * FROM kpi_pillars${where}`).all(...args),
    c.prepare(`SELECT * FROM kpi_dimensions${where}`).all(...args),
  ];
}

const periods = periodsRead(BENCH_PERIOD);
const figureColumns = "entity_code, kpi_code, period, value, numerator, denominator";
const inList = periods.map(() => "?").join(",");

export const CASES: BenchCase[] = [
  {
    name: `report for one period (${BENCH_PERIOD})`,
    run: (db) => reportFor(db, BENCH_PERIOD),
    floor: (db) => [
      readDefinitionRows(db),
      db.$client
        .prepare(
          `SELECT entity_code, kpi_code, period, value, numerator, denominator FROM figures WHERE period IN (${inList}) AND status = 'approved'`,
        )
        .all(...periods),
    ],
  },
  {
    name: `city series of one KPI, ${SCALE.from}..${SCALE.to}`,
    run: (db) => citySeriesFor(db, "K01", SCALE.from, SCALE.to),
    floor: (db) => [
      readDefinitionRows(db, "K01"),
      db.$client
        .prepare(
          `SELECT entity_code, kpi_code, period, value, numerator, denominator FROM figures WHERE kpi_code = ? AND period >= ? AND period <= ? AND status = 'approved'`,
        )
        .all("K01", SCALE.from, SCALE.to),
    ],
  },
  {
    name: `entity scorecard (E007, ${BENCH_PERIOD})`,
    run: (db) => scorecardFor(db, "E007", BENCH_PERIOD),
    floor: (db) => [
      readDefinitionRows(db),
      db.$client
        .prepare(
          `SELECT entity_code, kpi_code, period, value, numerator, denominator FROM figures WHERE entity_code = ? AND period IN (${inList}) AND status = 'approved'`,
        )
        .all("E007", ...periods),
    ],
  },
  {
    name: `city overview page data (${BENCH_PERIOD})`,
    run: (db) => overviewFor(db, BENCH_PERIOD, SCALE.from),
    floor: (db) => [
      readDefinitionRows(db),
      // This month and last for every row; the headline KPI's thirteen months and its history.
      db.$client
        .prepare(`SELECT ${figureColumns} FROM figures WHERE period IN (?, ?) AND status = 'approved'`)
        .all(BENCH_PERIOD, addMonths(BENCH_PERIOD, -1)),
      db.$client
        .prepare(`SELECT ${figureColumns} FROM figures WHERE kpi_code = ? AND period >= ? AND period <= ? AND status = 'approved'`)
        .all("K01", SCALE.from, BENCH_PERIOD),
    ],
  },
  {
    name: `entity scorecard page data (E007, ${BENCH_PERIOD})`,
    run: (db) => entityScorecardFor(db, "E007", BENCH_PERIOD),
    floor: (db) => [
      readDefinitionRows(db),
      db.$client
        .prepare(`SELECT ${figureColumns} FROM figures WHERE entity_code = ? AND period IN (${inList}) AND status = 'approved'`)
        .all("E007", ...periods),
    ],
  },
];
