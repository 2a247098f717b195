// The monthly round as each role lives it: what a focal point has to send, what waits for an
// analyst, and how far the recent months are from being locked. What the home page shows.
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { FigureStatus } from "../../db/schema";
import { timeliness } from "../compliance/timeliness";
import { addMonths, dueMoment, minutesUntil, periodOf } from "../figures/month";
import { figuresOf, lockedPeriods, submissionStates, submissionsOf } from "./entry.server";
import { listEntities } from "./kpis.server";

/** How many past months a home looks back over for overdue work and months to lock. */
export const ROUND_MONTHS = 6;

/** The month whose figures are being collected now: the one just ended, in Dubai. */
export function monthToReport(now: Date): string {
  return addMonths(periodOf(now), -1);
}

export interface MonthCounts {
  period: string;
  /** KPIs the entity reports. */
  expected: number;
  draft: number;
  submitted: number;
  returned: number;
  approved: number;
  /** Reported KPIs with no figure at all. */
  missing: number;
}

function countsOf(submissions: ReturnType<typeof submissionsOf>, period: string): MonthCounts {
  const count = (status: FigureStatus | null) => submissions.filter((x) => x.status === status).length;
  return {
    period,
    expected: submissions.length,
    draft: count("draft"),
    submitted: count("submitted"),
    returned: count("returned"),
    approved: count("approved"),
    missing: count(null),
  };
}

/**
 * A focal point's round: the month to report now with its deadline and how far the entity is,
 * the analyst's comments on returned figures, and the earlier months still owed.
 */
export function focalRound(db: Db, entity: string, now: Date, dueDay: number) {
  const locked = new Set(lockedPeriods(db));
  const month = (period: string) => {
    const submissions = submissionsOf(db, entity, period);
    return {
      ...countsOf(submissions, period),
      due: dueMoment(period, dueDay),
      locked: locked.has(period),
      timeliness: timeliness(submissions, period, dueDay, now.toISOString()),
    };
  };
  const current = month(monthToReport(now));
  const minutesLeft = minutesUntil(current.due, now);
  // The deadline after this month's: for the month now running, due after it ends.
  const nextDue = dueMoment(periodOf(now), dueDay);
  // Earlier months still owed: not locked, something missing, in draft or returned, and due.
  const owed = Array.from({ length: ROUND_MONTHS - 1 }, (_, i) => addMonths(current.period, -(i + 1)))
    .map(month)
    .filter((m) => !m.locked && m.submitted + m.approved < m.expected && minutesUntil(m.due, now) < 0);
  // What the office sent back, this month or an owed one, with its reason.
  const returned = figuresOf(db, entity, [current.period, ...owed.map((m) => m.period)])
    .filter((f) => f.status === "returned")
    .map((f) => ({ kpi: f.kpiCode, period: f.period, comment: f.reviewComment ?? "", at: f.reviewedAt }));
  return { current, minutesLeft, nextDue, returned, owed };
}

/**
 * What waits for an analyst: submitted figures grouped by entity and month, the oldest submission
 * first, and the entities late with the month to report.
 */
export function reviewRound(db: Db, now: Date, dueDay: number) {
  const names = new Map(listEntities(db).map((e) => [e.code, e]));
  const waiting = db
    .select({ entity: s.figures.entityCode, period: s.figures.period, submittedAt: s.figures.submittedAt })
    .from(s.figures)
    .where(eq(s.figures.status, "submitted"))
    .orderBy(asc(s.figures.submittedAt))
    .all();
  const groups = new Map<string, { entity: string; period: string; count: number; oldest: string | null }>();
  for (const f of waiting) {
    const key = `${f.entity}|${f.period}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { entity: f.entity, period: f.period, count: 1, oldest: f.submittedAt });
  }
  const period = monthToReport(now);
  const late = submissionStates(db, period, dueDay, now)
    .filter((e) => e.expected > 0 && (e.timeliness === "late" || e.timeliness === "missing"))
    .map((e) => ({ code: e.code, nameEn: e.nameEn, nameAr: e.nameAr, timeliness: e.timeliness, submitted: e.submitted + e.approved, expected: e.expected }));
  return {
    period,
    due: dueMoment(period, dueDay),
    queue: [...groups.values()].map((g) => ({ ...g, ...pick(names.get(g.entity)) })),
    late,
  };
}

const pick = (entity: { nameEn: string; nameAr: string } | undefined) => ({
  nameEn: entity?.nameEn ?? "",
  nameAr: entity?.nameAr ?? "",
});

/**
 * The round for an administrator: for each recent month, how many entities have submitted, been
 * approved, are late; and which months are ready to lock (every expected figure approved).
 */
export function officeRound(db: Db, now: Date, dueDay: number) {
  const locked = new Set(lockedPeriods(db));
  const last = monthToReport(now);
  const months = Array.from({ length: ROUND_MONTHS }, (_, i) => addMonths(last, -i)).map((period) => {
    const states = submissionStates(db, period, dueDay, now).filter((e) => e.expected > 0);
    const complete = (e: (typeof states)[number]) => e.submitted + e.approved === e.expected;
    const approvedAll = (e: (typeof states)[number]) => e.approved === e.expected;
    return {
      period,
      due: dueMoment(period, dueDay),
      locked: locked.has(period),
      entities: states.length,
      submitted: states.filter(complete).length,
      approved: states.filter(approvedAll).length,
      late: states.filter((e) => e.timeliness === "late").length,
      missing: states.filter((e) => e.timeliness === "missing").length,
      waiting: states.reduce((n, e) => n + e.submitted, 0),
      readyToLock: !locked.has(period) && states.length > 0 && states.every(approvedAll),
      behind: states
        .filter((e) => !approvedAll(e))
        .map((e) => ({ code: e.code, nameEn: e.nameEn, nameAr: e.nameAr, timeliness: e.timeliness, approved: e.approved, submitted: e.submitted, expected: e.expected })),
    };
  });
  return { months };
}
