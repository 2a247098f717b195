import { useT } from "../i18n/use-t";

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
