import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { explainForecast } from "../compliance/explain";
import type { ReportRow } from "../compliance/types";
import type { Unit } from "../definitions/schema";
import { Sparkline } from "./sparkline";
import { RowStatus, StatusLegend } from "./status";
import { useFormat } from "./format";

export interface ScorecardLine {
  key: string;
  label: string;
  href: string | null;
  unit: Unit;
  row: ReportRow;
  /** Actuals of the last twelve months, oldest first; omit to leave the column out. */
  sparkline?: Array<number | null>;
  /** The row's explanation in the reader's language. */
  explanation: string;
  /** Where the figure's history is, when it has one. */
  historyHref?: string | null;
  /** Under the status: the KPI's corrective action plan, or the plan owed (a scorecard). */
  followUp?: ReactNode;
}

/**
 * One row per KPI (on a scorecard) or per entity (on a KPI page): actual, target and its kind,
 * achievement, status, the last twelve months, the change on the month, the forecast, and why.
 * Every number comes from the engine's row.
 */
export function ScorecardTable({
  caption,
  lines,
  months,
  selected = null,
  rowHeading,
}: {
  caption: string;
  /** The first column's heading: "KPI" on a scorecard, "Entity" on a KPI's page. */
  rowHeading?: string;
  lines: ScorecardLine[];
  months?: string[];
  /** The line the reader came for (an entity on a KPI's page), marked. */
  selected?: string | null;
}) {
  const f = useFormat();
  const { t } = f;
  const withSparkline = lines.some((l) => l.sparkline);
  const change = (line: ScorecardLine) => {
    const v = line.row.trend.change;
    if (v === null) return t("value.none");
    return line.unit === "percent" ? t("change.points", { value: f.signed(v) }) : f.signed(v);
  };

  return (
    <div className="table-scroll">
      <table className="data-table scorecard stack-on-phone">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{rowHeading ?? t("col.kpi")}</th>
            <th scope="col">{t("col.actual")}</th>
            <th scope="col">{t("col.target")}</th>
            <th scope="col">{t("col.achievement")}</th>
            <th scope="col">{t("col.status")}</th>
            {withSparkline ? <th scope="col">{t("col.trend")}</th> : null}
            <th scope="col">{t("col.changeMonth")}</th>
            <th scope="col">{t("col.forecast")}</th>
            <th scope="col">{t("col.why")}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr
              key={line.key}
              data-kpi={line.row.kpi}
              data-entity={line.row.entity ?? ""}
              className={line.key === selected ? "row-selected" : undefined}
              aria-current={line.key === selected ? "true" : undefined}
            >
              <th scope="row">{line.href ? <Link to={line.href}>{line.label}</Link> : line.label}</th>
              <td className="number" data-value={line.row.actual ?? ""} data-label={t("col.actual")}>
                {f.value(line.unit, line.row.actual)}
              </td>
              <td className="number" data-value={line.row.target ?? ""} data-label={t("col.target")}>
                {line.row.target !== null ? (
                  <>
                    {f.value(line.unit, line.row.target)}{" "}
                    <span className="muted">({t(`target.kind.${line.row.targetKind!}`)})</span>
                  </>
                ) : (
                  t("target.none")
                )}
              </td>
              <td className="number" data-value={line.row.achievement ?? ""} data-label={t("col.achievement")}>
                {line.row.achievement !== null ? f.share(line.row.achievement) : t("value.none")}
              </td>
              <td data-status={line.row.status} data-label={t("col.status")}>
                <RowStatus row={line.row} />
                {line.followUp ? <div className="followup-note">{line.followUp}</div> : null}
              </td>
              {withSparkline ? (
                <td data-label={t("col.trend")}>
                  {line.sparkline ? (
                    <Sparkline
                      values={line.sparkline}
                      target={line.row.target}
                      unit={line.unit}
                      label={`${line.label}${months && months.length > 0 ? `, ${f.period(months[0])} – ${f.period(months.at(-1)!)}` : ""}`}
                    />
                  ) : null}
                </td>
              ) : null}
              <td className="number" data-label={t("col.changeMonth")}>{change(line)}</td>
              <td data-label={t("col.forecast")}>{explainForecast(line.row.forecast, { unit: line.unit, f })}</td>
              <td className="why" data-label={t("col.why")}>
                <details>
                  <summary>{t("why.show")}</summary>
                  <p>{line.explanation}</p>
                </details>
                {line.historyHref ? (
                  <Link to={line.historyHref} className="history-link">
                    {t("entry.history")}
                  </Link>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <StatusLegend />
    </div>
  );
}
