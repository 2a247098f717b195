// The report's faces outside the app: the contract's JSON (§3) and a CSV with one line per row.
import { stringify } from "csv-stringify/sync";
import type { ComplianceReport, ReportRow } from "./types";

/** The contract §3 JSON; every field beyond the contract's is extra and keeps its meaning. */
export function reportJson(report: ComplianceReport) {
  return {
    period: report.period,
    rows: report.rows.map((r) => ({
      kpi: r.kpi,
      entity: r.entity,
      actual: r.actual,
      target: r.target,
      targetKind: r.targetKind,
      achievement: r.achievement,
      status: r.status,
      assessed: r.assessed,
      trend: r.trend,
      forecast: r.forecast,
      explanation: r.explanation,
    })),
    entities: report.entities,
    initiatives: report.initiatives,
    policies: report.policies,
    pillars: report.pillars,
    dimensions: report.dimensions,
  };
}

export const REPORT_CSV_COLUMNS = [
  "period",
  "kpi",
  "entity",
  "actual",
  "target",
  "target_kind",
  "achievement",
  "status",
  "previous",
  "change",
  "year_ago",
  "change_on_year",
  "forecast_due",
  "forecast_projected",
  "forecast_meets_target",
  "forecast_reaches_target_in",
] as const;

/**
 * The contract's columns for one row. Written by the same library as every other CSV, with the
 * contract's own bytes: LF line ends, no BOM, booleans as true/false, and no formula escaping
 * (its cells are codes and unrounded numbers, and other teams' scripts read them as they are).
 */
function csvRecord(period: string, r: ReportRow): Array<string | number | boolean | null | undefined> {
  return [
    period,
    r.kpi,
    r.entity ?? "",
    r.actual,
    r.target,
    r.targetKind,
    r.achievement,
    r.status,
    r.trend.previous,
    r.trend.change,
    r.trend.yearAgo,
    r.trend.changeOnYear,
    r.forecast?.due,
    r.forecast?.projected,
    r.forecast?.meetsTarget,
    r.forecast?.reachesTargetIn,
  ];
}

/** One line per row, the city-wide rows with an empty entity; numbers unrounded. */
export function reportCsv(report: ComplianceReport): string {
  return stringify([[...REPORT_CSV_COLUMNS], ...report.rows.map((r) => csvRecord(report.period, r))], {
    record_delimiter: "unix",
    cast: { boolean: (value) => String(value) },
  });
}
