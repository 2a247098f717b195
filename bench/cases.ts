// What the benchmark measures, each beside its floor: the raw SQL read of exactly the rows the
// computation needs, through better-sqlite3 with no mapping and no engine.
import type { Db } from "../db/index";
import { periodsRead } from "../app/compliance/engine";
import { citySeriesFor, reportFor, scorecardFor } from "../app/models/report.server";
import { entityScorecardFor, overviewFor } from "../app/models/scorecards.server";
import { addMonths } from "../app/figures/month";
import { reportRows, type ReportSpec } from "../app/exports/builder.server";
import { csvHeader, csvRow } from "../app/exports/tables";
import { formatterFor, intlFor } from "../app/i18n/format";
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
  {
    // The whole history, as the report builder streams it: time, and (in the table) peak memory.
    name: `long CSV export of all ${SCALE.from}..${SCALE.to}`,
    run: (db) => {
      const f = formatterFor(intlFor("en"));
      const spec: ReportSpec = { from: SCALE.from, to: SCALE.to, entities: [], kpis: [], scope: null, shape: "long" };
      const columns = [{ key: "period", header: "period", type: "text" as const }, { key: "code", header: "entity", type: "text" as const }, { key: "kpi", header: "kpi", type: "text" as const }, { key: "actual", header: "actual", type: "number" as const }, { key: "status", header: "status", type: "text" as const }];
      let bytes = csvHeader(columns).length;
      for (const batch of reportRows(db, f, spec)) for (const row of batch) bytes += csvRow(columns, row).length;
      return bytes;
    },
    floor: (db) => {
      let bytes = 0;
      for (const row of db.$client.prepare(`SELECT ${figureColumns} FROM figures WHERE status = 'approved' ORDER BY period`).iterate()) {
        bytes += JSON.stringify(row).length;
      }
      return bytes;
    },
  },
];
