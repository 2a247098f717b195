// The notices the clock owes: a deadline coming, due today, passed; an analyst's daily digest; an
// escalation. Evaluated by the scheduler at a moment (events.server.ts has those an event owes).
// Every notice has a key, so evaluating the rules again, or in two processes at once, writes
// nothing twice.
import type { Db } from "../../db/index";
import { addMonths, dayInDubai, daysUntilInDubai, dueMoment } from "../figures/month";
import { lockedPeriods, submissionStates } from "../models/entry.server";
import { monthToReport, reviewRound, ROUND_MONTHS } from "../models/round.server";
import { activeUsers } from "./events.server";
import { followUpsFor } from "../models/plans.server";
import { noticeKey, type NoticeDraft } from "./outbox.server";

export interface RoundSettings {
  /** Figures for month M are due on this day of month M+1. */
  dueDay: number;
  /** Days before the due day on which focal points are reminded, largest first. */
  remindDays: number[];
  /** Days overdue from which analysts are told. */
  escalateDays: number;
  /** Days after a month's figures are due by which its plans are owed. */
  planDueDays: number;
}

/**
 * The notices the clock owes at `now`: for each month of the round not yet locked, focal points
 * of entities that have not sent all their figures are reminded before the due day, told on it
 * and after it; analysts hear of entities `escalateDays` overdue, and get a digest of what waits
 * for review once a day (Dubai's day).
 */
export function clockNotices(db: Db, now: Date, settings: RoundSettings): NoticeDraft[] {
  const drafts: NoticeDraft[] = [];
  const locked = new Set(lockedPeriods(db));
  const analysts = activeUsers(db, "analyst");
  const farthest = Math.max(0, ...settings.remindDays);
  const current = monthToReport(now);
  for (let back = 0; back < ROUND_MONTHS; back++) {
    const period = addMonths(current, -back);
    if (locked.has(period)) continue;
    const due = dueMoment(period, settings.dueDay);
    const daysLeft = daysUntilInDubai(due, now);
    if (daysLeft > farthest) continue;
    // The nearest reminder day not yet passed: on day 3 with "5,1" that is the 5-day reminder,
    // on day 1 the 1-day one; a scheduler that was down on day 5 still reminds once on day 3.
    const remindDay = [...settings.remindDays].reverse().find((d) => d >= daysLeft);
    const behind = submissionStates(db, period, settings.dueDay, now).filter(
      (e) => e.expected > 0 && e.submitted + e.approved < e.expected,
    );
    for (const entity of behind) {
      const progress = { due, sent: entity.submitted + entity.approved, expected: entity.expected };
      for (const userId of activeUsers(db, "focal-point", entity.code)) {
        const about = { userId, entityCode: entity.code, period };
        if (daysLeft > 0 && remindDay !== undefined) {
          drafts.push({
            ...about,
            kind: "reminder",
            key: noticeKey("reminder", remindDay, userId, entity.code, period),
            params: { ...progress, daysLeft },
          });
        } else if (daysLeft === 0) {
          drafts.push({ ...about, kind: "due", key: noticeKey("due", userId, entity.code, period), params: progress });
        } else if (daysLeft < 0) {
          drafts.push({
            ...about,
            kind: "overdue",
            key: noticeKey("overdue", userId, entity.code, period),
            params: { ...progress, daysLate: -daysLeft },
          });
        }
      }
      if (-daysLeft >= settings.escalateDays) {
        for (const userId of analysts) {
          drafts.push({
            userId,
            entityCode: entity.code,
            period,
            kind: "escalation",
            key: noticeKey("escalation", userId, entity.code, period),
            params: { ...progress, daysLate: -daysLeft },
          });
        }
      }
    }
  }
  drafts.push(...planNotices(db, now, settings, current));
  const waiting = reviewRound(db, now, settings.dueDay).queue;
  if (waiting.length > 0) {
    const date = dayInDubai(now);
    for (const userId of analysts) {
      drafts.push({
        userId,
        entityCode: null,
        period: null,
        kind: "digest",
        key: noticeKey("digest", userId, date),
        params: { date, waiting: waiting.map((w) => ({ entity: w.entity, period: w.period, count: w.count })) },
      });
    }
  }
  return drafts;
}

/**
 * Plans owed: for the latest month whose figures are due, each entity with KPIs needing a plan and
 * none sent (none, or one returned) has its focal points told once when the plans are owed and
 * once more when they are overdue. One month only: an older month's KPI still off track is owed a
 * plan again in the latest one, so older months would only repeat it.
 */
function planNotices(db: Db, now: Date, settings: RoundSettings, current: string): NoticeDraft[] {
  // Statuses count once the figures are due: before that the month is still being entered.
  const period = now.toISOString() > dueMoment(current, settings.dueDay) ? current : addMonths(current, -1);
  const owed = new Map<string, { due: string; overdue: boolean; kpis: string[] }>();
  for (const f of followUpsFor(db, period, { dueDay: settings.dueDay, planDueDays: settings.planDueDays }, now)) {
    if (f.plan && f.plan.state !== "returned") continue;
    const entry = owed.get(f.entity) ?? { due: f.dueAt, overdue: now.toISOString() > f.dueAt, kpis: [] };
    entry.kpis.push(f.kpi);
    owed.set(f.entity, entry);
  }
  const drafts: NoticeDraft[] = [];
  for (const [entity, params] of owed) {
    for (const userId of activeUsers(db, "focal-point", entity)) {
      drafts.push({
        userId,
        entityCode: entity,
        period,
        kind: "plan-due",
        key: noticeKey("plan-due", params.overdue ? "overdue" : "owed", userId, entity, period),
        params,
      });
    }
  }
  return drafts;
}
