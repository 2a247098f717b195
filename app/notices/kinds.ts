// What each kind of notice carries beyond its kind, person, entity and month, and the page it
// links to. Shared by the mail, the inbox and the outbox: one notice, the same words everywhere.
import type { NoticeKind, Role } from "../../db/schema";

export type { NoticeKind };
export { NOTICE_KINDS } from "../../db/schema";

/** How far an entity is with a month: figures sent (submitted or approved) of those expected. */
export interface MonthProgress {
  /** The end of the due day, UTC ISO. */
  due: string;
  sent: number;
  expected: number;
}

export interface NoticeParams {
  reminder: MonthProgress & { daysLeft: number };
  due: MonthProgress;
  overdue: MonthProgress & { daysLate: number };
  escalation: MonthProgress & { daysLate: number };
  returned: { kpi: string; comment: string; figureId: number };
  /** Dubai's date of the digest; what waits, by entity and month, oldest submission first. */
  digest: { date: string; waiting: Array<{ entity: string; period: string; count: number }> };
  locked: LockedSummary;
  "plan-due": { due: string; overdue: boolean; kpis: string[] };
}

/** A locked month at a glance, as it stood when it was locked. */
export interface LockedSummary {
  /** The headline KPI's city-wide figure against its target, when there is one. */
  headline: { kpi: string; actual: number | null; target: number | null; status: string } | null;
  /** Entities at or above their own target of the headline KPI, and those below it. */
  met: string[];
  missed: Array<{ entity: string; actual: number | null; target: number | null }>;
  /** The largest moves against the month before (headline KPI, points or units). */
  moves: Array<{ entity: string; from: number; to: number }>;
}

export interface Notice<K extends NoticeKind = NoticeKind> {
  id: number;
  kind: K;
  entityCode: string | null;
  period: string | null;
  params: NoticeParams[K];
  createdAt: string;
  readAt: string | null;
}

/** The page a notice sends its reader to: where the thing it speaks of is done or read. */
export function noticePath(notice: Pick<Notice, "kind" | "entityCode" | "period" | "params">): string {
  const month = notice.period ? `period=${notice.period}` : "";
  switch (notice.kind) {
    case "reminder":
    case "due":
    case "overdue":
    case "returned":
      return `/figures/${encodeURIComponent(notice.entityCode ?? "")}/${notice.period ?? ""}`;
    case "digest":
      return "/review";
    case "escalation":
      return `/review?entity=${encodeURIComponent(notice.entityCode ?? "")}&${month}`;
    case "locked":
      return `/?${month}`;
    case "plan-due":
      return `/follow-up/${encodeURIComponent(notice.entityCode ?? "")}/${notice.period ?? ""}`;
  }
}

/** The kinds each role receives (what its preferences page offers): the rules send no others to it. */
export const KINDS_BY_ROLE: Record<Role, readonly NoticeKind[]> = {
  "focal-point": ["reminder", "due", "overdue", "returned", "plan-due"],
  analyst: ["digest", "escalation"],
  executive: ["locked"],
  admin: [],
};
