import { Link } from "@remix-run/react";
import type { Status } from "../compliance/types";
import { Commentary, type CommentaryView } from "./commentary";
import { useFormat } from "./format";
import { PlanStanding, type PlanStateName } from "./plan-state";
import { StatusBadge } from "./status";

export interface FollowUpData {
  needing: number;
  accepted: number;
  overdue: number;
  open: Array<{ entity: string; kpi: string; status: Status; missed: string | null; planId: number | null; planState: PlanStateName | null; overdue: boolean; dueAt: string }>;
  overdueActions: Array<{ entity: string; kpi: string; planId: number; title: string; owner: string; dueMonth: string }>;
  overdueActionCount: number;
}

/** The rows grouped by entity, in the order of each entity's first row (overdue first). */
function byEntity<T extends { entity: string }>(rows: T[]): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(row.entity, [...(groups.get(row.entity) ?? []), row]);
  return [...groups];
}

/** The executive summary of the month, where the overview starts. */
export function ExecutiveSummary({ summary, period, canWrite }: { summary: CommentaryView | null; period: string; canWrite: boolean }) {
  const f = useFormat();
  const { t } = f;
  if (!summary && !canWrite) return null;
  return (
    <section className="card executive-summary" aria-labelledby="summary-title">
      <h2 id="summary-title">{t("overview.summary")}</h2>
      {summary ? <Commentary item={summary} /> : <p className="empty-state">{t("followUp.noCitySummary", { month: f.period(period) })}</p>}
      {canWrite ? (
        <p className="print-hide">
          <Link to={`/follow-up/city/${period}`}>{t(summary ? "overview.summaryEdit" : "overview.summaryWrite")}</Link>
        </p>
      ) : null}
    </section>
  );
}

/**
 * Who is off track and what they are doing about it, without opening a scorecard: how many KPIs
 * need a plan, how many have one accepted, the rest named (overdue first), and the actions late.
 */
export function FollowUpSummary({
  data,
  period,
  entityName,
  kpiName,
}: {
  data: FollowUpData;
  period: string;
  entityName: (code: string) => string;
  kpiName: (code: string) => string;
}) {
  const f = useFormat();
  const { t } = f;
  const month = f.period(period);
  return (
    <section aria-labelledby="followup-title" className="follow-up-summary">
      <h2 id="followup-title">{t("overview.followUp")}</h2>
      {data.needing === 0 ? (
        <p className="empty-state">{t("overview.followUpNone", { month })}</p>
      ) : (
        <>
          <p className="lead">
            {t("overview.followUpCounts", { needing: data.needing, accepted: data.accepted, without: data.needing - data.accepted, overdue: data.overdue, month })}
          </p>
          {data.open.length > 0 ? (
            <div className="table-scroll">
              <table className="data-table follow-up-table">
                <caption>{t("overview.followUpCaption", { month })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("overview.col.entity")}</th>
                    <th scope="col">{t("overview.col.kpisPlans")}</th>
                  </tr>
                </thead>
                <tbody>
                  {byEntity(data.open).map(([entity, rows]) => (
                    <tr key={entity} className={rows.some((r) => r.overdue) ? "plan-overdue-row" : undefined}>
                      <th scope="row">
                        <Link to={`/follow-up/${entity}/${period}`}>{entityName(entity)}</Link>
                      </th>
                      <td>
                        <ul className="follow-up-kpis">
                          {rows.map((row) => (
                            <li key={row.kpi}>
                              <StatusBadge status={row.status} missed={row.missed} compact /> {kpiName(row.kpi)}:{" "}
                              <PlanStanding planId={row.planId} state={row.planState} overdue={row.overdue} dueAt={row.dueAt} />
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {data.needing - data.accepted > data.open.length ? (
            <p className="muted">{t("overview.followUpMore", { count: data.needing - data.accepted - data.open.length })}</p>
          ) : null}
        </>
      )}
      {data.overdueActionCount > 0 ? (
        <>
          <h3>{t("overview.lateActions", { count: data.overdueActionCount })}</h3>
          <ul className="late-actions">
            {data.overdueActions.map((a, i) => (
              <li key={i}>
                <Link to={`/plans/${a.planId}`}>
                  {entityName(a.entity)}, {kpiName(a.kpi)}
                </Link>
                {": "}
                <bdi>{a.title}</bdi> (<bdi>{a.owner}</bdi>){t("overview.lateActionDue", { month: f.period(a.dueMonth) })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
