// "Missed" is a word for people, not a status: the engine's row stays off-track or at-risk
// (compliance contract §5). Past a final target's due month a row below it will not get back "on
// track" by waiting; saying "Off track" there hides that the deadline has gone by.
import type { ReportRow } from "./types";

/**
 * The month the final target in force fell due, when the row is below it (at or after that month,
 * which is what "final" means in §3); null otherwise.
 */
export function missedDue(row: Pick<ReportRow, "status" | "targetKind" | "explanation">): string | null {
  if (row.targetKind !== "final" || row.explanation.target === null) return null;
  return row.status === "off-track" || row.status === "at-risk" ? row.explanation.target.due : null;
}
