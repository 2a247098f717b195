// Whether an entity reported a month on time (contract-adjacent: the engine's own rule, pure).
import { dueMoment } from "../figures/month";

export type Timeliness = "on-time" | "late" | "missing" | "not-due";

export interface Submission {
  kpi: string;
  /** When it reached the office: submitted by a focal point, or imported; null if never. */
  at: string | null;
}

/**
 * An entity's timeliness for a month over the KPIs it reports: `on-time` when every one arrived
 * by the due moment, `late` when every one arrived but some after it, `missing` when any has not
 * arrived and the due moment has passed, `not-due` before then.
 */
export function timeliness(submissions: Submission[], period: string, dueDay: number, now: string): Timeliness {
  const due = dueMoment(period, dueDay);
  if (submissions.some((s) => s.at === null)) return now > due ? "missing" : "not-due";
  if (submissions.length === 0) return "not-due";
  return submissions.every((s) => (s.at as string) <= due) ? "on-time" : "late";
}
