import type { ReportRow, Status } from "../compliance/types";
import { SCORE_CAP } from "../compliance/engine";
import { missedDue } from "../compliance/missed";
import { useFormat } from "./format";

/** A symbol for each status, so no status is told by colour alone. */
export const STATUS_SYMBOL: Record<Status, string> = {
  met: "✔",
  "on-track": "↗",
  "at-risk": "!",
  "off-track": "✖",
  "no-data": "?",
  "no-target": "–",
};

/**
 * The status as symbol and word, coloured from a palette safe for colour-blind readers. With
 * `missed` (the month a final target fell due) a row below it reads "Missed", drawn as off track.
 */
export function StatusBadge({
  status,
  compact = false,
  missed = null,
}: {
  status: Status;
  compact?: boolean;
  missed?: string | null;
}) {
  const f = useFormat();
  const word = missed ? f.t("status.missedDue", { month: f.period(missed) }) : f.t(`status.${status}`);
  return (
    <span
      className={`status status-${missed ? "off-track status-missed" : status}`}
      title={compact ? word : undefined}
      data-missed={missed ?? undefined}
    >
      <span aria-hidden="true" className="status-symbol">
        {STATUS_SYMBOL[missed ? "off-track" : status]}
      </span>
      {compact ? <span className="visually-hidden">{word}</span> : <span className="status-word">{word}</span>}
    </span>
  );
}

/** A report row's status, "Missed" once its final target's month has gone by below it. */
export function RowStatus({
  row,
  compact,
}: {
  row: Pick<ReportRow, "status" | "targetKind" | "explanation">;
  compact?: boolean;
}) {
  return <StatusBadge status={row.status} compact={compact} missed={missedDue(row)} />;
}

const LEGEND: Array<Status | "missed"> = ["met", "on-track", "at-risk", "off-track", "missed", "no-data", "no-target"];

/**
 * What each symbol means, beside every table that shows them; with `scores`, what the score and
 * compliance columns measure, which a reader otherwise takes for the same thing.
 */
export function StatusLegend({ scores = false }: { scores?: boolean }) {
  const f = useFormat();
  const { t } = f;
  return (
    <div className="status-legend">
      <p className="legend-title">{t("legend.title")}</p>
      <dl className="legend-items">
        {LEGEND.map((key) => (
          <div key={key} className="legend-item">
            <dt>
              <span className={`status status-${key === "missed" ? "off-track" : key}`}>
                <span aria-hidden="true" className="status-symbol">
                  {STATUS_SYMBOL[key === "missed" ? "off-track" : key]}
                </span>
                <span className="status-word">{t(key === "missed" ? "status.missed" : `status.${key}`)}</span>
              </span>
            </dt>
            <dd>{t(`legend.${key}`)}</dd>
          </div>
        ))}
      </dl>
      {scores ? (
        <dl className="legend-scores">
          <dt>{t("col.score")}</dt>
          <dd>{t("entity.scoreHelp", { cap: f.share(SCORE_CAP) })}</dd>
          <dt>{t("col.compliance")}</dt>
          <dd>{t("legend.compliance")}</dd>
        </dl>
      ) : null}
    </div>
  );
}
