import { Link } from "@remix-run/react";
import { useT } from "../i18n/use-t";
import { useFormat } from "./format";

export type PlanStateName = "submitted" | "accepted" | "returned" | "closed";

/** A plan's state in words, with a symbol so it is not told by colour alone. */
const SYMBOL: Record<PlanStateName, string> = { submitted: "…", accepted: "✔", returned: "↩", closed: "■" };

export function PlanState({ state }: { state: PlanStateName }) {
  const t = useT();
  return (
    <span className={`plan-state plan-state-${state}`}>
      <span aria-hidden="true">{SYMBOL[state]} </span>
      {t(`plan.state.${state}`)}
    </span>
  );
}

/**
 * Where a KPI's plan stands, wherever a plan is shown beside a KPI: its state, linked to the plan,
 * or the plan owed by (overdue since) its due date. `exact` gives the time as well as the day.
 * `plainLink` where the link is followed by the listener of a table around it (decision 27), or
 * written as markup outside the page's router (decision 28).
 */
export function PlanStanding({
  planId,
  state,
  overdue,
  dueAt,
  exact = false,
  plainLink = false,
}: {
  planId: number | null;
  state: PlanStateName | null;
  overdue: boolean;
  dueAt: string;
  exact?: boolean;
  plainLink?: boolean;
}) {
  const f = useFormat();
  if (planId !== null && state) {
    return plainLink ? (
      <a href={`/plans/${planId}`}>
        <PlanState state={state} />
      </a>
    ) : (
      <Link to={`/plans/${planId}`}>
        <PlanState state={state} />
      </Link>
    );
  }
  return (
    <span className={overdue ? "plan-owed plan-overdue" : "plan-owed"}>
      {f.t(overdue ? "plan.overdueSince" : "plan.owedBy", { date: exact ? f.dateTime(dueAt) : f.date(dueAt) })}
    </span>
  );
}

/** The header row of a plan's actions, on the form and on the plan as read. */
export function PlanActionsHead() {
  const t = useT();
  return (
    <thead>
      <tr>
        <th scope="col">{t("plan.action.title")}</th>
        <th scope="col">{t("plan.action.owner")}</th>
        <th scope="col">{t("plan.action.dueMonth")}</th>
        <th scope="col">{t("plan.action.state")}</th>
        <th scope="col">{t("plan.action.progress")}</th>
      </tr>
    </thead>
  );
}
