// Which target applies to a row, and what it asks for in a given month (contract §4, steps 2–3).
import { monthsBetween } from "../figures/month";

export interface Target {
  value: number;
  /** Month the target is due, YYYY-MM. */
  due: string;
  /** The entities it names; null for a general or city target. */
  entities: string[] | null;
  /** "city" for a target on the city-wide row only. */
  scope: "city" | null;
  /** Start of a linear trajectory towards the target. */
  from: { period: string; value: number } | null;
}

export type TargetKind = "interim" | "final" | "pending";

export interface TargetInForce {
  kind: TargetKind;
  /** What the row is measured against this month. */
  value: number;
  /** The target it was derived from. */
  target: Target;
}

const isGeneral = (t: Target) => t.entities === null && t.scope === null;

/**
 * The targets that cover an entity's row (or the city-wide row when `entity` is null): the ones
 * that name it, or, when none does, the general ones.
 */
export function coveringTargets(targets: readonly Target[], entity: string | null): Target[] {
  const specific =
    entity === null
      ? targets.filter((t) => t.scope === "city")
      : targets.filter((t) => t.entities?.includes(entity) ?? false);
  return specific.length > 0 ? specific : targets.filter(isGeneral);
}

const byDue = (a: Target, b: Target) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0);

/** The target in force at `period` among the covering ones, or null when there is none. */
export function targetInForce(covering: readonly Target[], period: string): TargetInForce | null {
  const onTrajectory = covering
    .filter((t) => t.from !== null && t.from.period <= period && period < t.due)
    .sort(byDue)[0];
  if (onTrajectory?.from) {
    const { from } = onTrajectory;
    const value =
      from.value +
      ((onTrajectory.value - from.value) * monthsBetween(from.period, period)) /
        monthsBetween(from.period, onTrajectory.due);
    return { kind: "interim", value, target: onTrajectory };
  }
  const final = covering
    .filter((t) => t.due <= period)
    .sort(byDue)
    .at(-1);
  if (final) return { kind: "final", value: final.value, target: final };
  const pending = covering.filter((t) => t.due > period).sort(byDue)[0];
  if (pending) return { kind: "pending", value: pending.value, target: pending };
  return null;
}

/**
 * The target a reader quotes for a KPI as a whole ("80% by December 2018"): the general one in
 * force at `period`, or the city-wide one where the KPI has no general target.
 */
export function headlineTarget(
  targets: readonly Target[],
  period: string,
): { value: number; due: string; kind: TargetKind } | null {
  const general = targets.filter(isGeneral);
  const found = targetInForce(
    general.length > 0 ? general : coveringTargets(targets, null),
    period,
  );
  // The target being worked towards, not the interim point on its trajectory.
  return found ? { value: found.target.value, due: found.target.due, kind: found.kind } : null;
}
