import type { ReactNode } from "react";
import { explainForecast } from "../compliance/explain";
import type { ReportRow } from "../compliance/types";
import type { Unit } from "../definitions/schema";
import { Sparkline } from "./sparkline";
import { RowStatus, StatusLegend } from "./status";
import { useFollowLinks } from "./follow-links";
import { useFormat } from "./format";
import { useServerMarkup, type ServerMarkup } from "../utils/server-markup";

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
export function ScorecardGrid({
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
  // Looked up once: each cell carries its column's name too (for phones), fifty rows of them.
  const label = {
    actual: t("col.actual"),
    target: t("col.target"),
    achievement: t("col.achievement"),
    status: t("col.status"),
    trend: t("col.trend"),
    changeMonth: t("col.changeMonth"),
    forecast: t("col.forecast"),
    why: t("col.why"),
    whyShow: t("why.show"),
    history: t("entry.history"),
  };
  const change = (line: ScorecardLine) => {
    const v = line.row.trend.change;
    if (v === null) return t("value.none");
    return line.unit === "percent" ? t("change.points", { value: f.signed(v) }) : f.signed(v);
  };

  return (
    <table className="data-table scorecard stack-on-phone">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{rowHeading ?? t("col.kpi")}</th>
          <th scope="col">{label.actual}</th>
          <th scope="col">{label.target}</th>
          <th scope="col">{label.achievement}</th>
          <th scope="col">{label.status}</th>
          {withSparkline ? <th scope="col">{label.trend}</th> : null}
          <th scope="col">{label.changeMonth}</th>
          <th scope="col">{label.forecast}</th>
          <th scope="col">{label.why}</th>
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
            <th scope="row">{line.href ? <a href={line.href}>{line.label}</a> : line.label}</th>
            <td className="number" data-value={line.row.actual ?? ""} data-label={label.actual}>
              {f.value(line.unit, line.row.actual)}
            </td>
            <td className="number" data-value={line.row.target ?? ""} data-label={label.target}>
              {line.row.target !== null ? (
                <>
                  {f.value(line.unit, line.row.target)}{" "}
                  <span className="muted">({t(`target.kind.${line.row.targetKind!}`)})</span>
                </>
              ) : (
                t("target.none")
              )}
            </td>
            <td className="number" data-value={line.row.achievement ?? ""} data-label={label.achievement}>
              {line.row.achievement !== null ? f.share(line.row.achievement) : t("value.none")}
            </td>
            <td data-status={line.row.status} data-label={label.status}>
              <RowStatus row={line.row} />
              {line.followUp ? <div className="followup-note">{line.followUp}</div> : null}
            </td>
            {withSparkline ? (
              <td data-label={label.trend}>
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
            <td className="number" data-label={label.changeMonth}>{change(line)}</td>
            <td data-label={label.forecast}>{explainForecast(line.row.forecast, { unit: line.unit, f })}</td>
            <td className="why" data-label={label.why}>
              <details>
                <summary>{label.whyShow}</summary>
                <p>{line.explanation}</p>
              </details>
              {line.historyHref ? (
                <a href={line.historyHref} className="history-link">
                  {label.history}
                </a>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The table and its legend. Its links, a hundred on a scorecard, are plain anchors followed by
 * one listener (decision 27).
 */
export function ScorecardTable(props: Parameters<typeof ScorecardGrid>[0]) {
  const follow = useFollowLinks();
  return (
    <div className="table-scroll" onClick={follow}>
      <ScorecardGrid {...props} />
      <StatusLegend />
    </div>
  );
}

/**
 * The same table and legend from markup the loader made (the entity page, decision 28): React
 * in the page neither renders nor hydrates its rows.
 */
export function ScorecardTableMarkup({ markup }: { markup: ServerMarkup }) {
  const follow = useFollowLinks();
  return <div className="table-scroll" onClick={follow} {...useServerMarkup(markup, "scorecard-table")} />;
}
