// The report's faces outside the app: the contract's JSON (§3) and a CSV with one line per row.
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

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(period: string, r: ReportRow): string {
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
  ]
    .map(cell)
    .join(",");
}

/** One line per row, the city-wide rows with an empty entity; numbers unrounded. */
export function reportCsv(report: ComplianceReport): string {
  return (
    [REPORT_CSV_COLUMNS.join(","), ...report.rows.map((r) => csvLine(report.period, r))].join(
      "\n",
    ) + "\n"
  );
}
