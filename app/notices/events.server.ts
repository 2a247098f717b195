// The notices an event owes (a figure returned, a month locked), written in the event's own
// transaction: the event and its notices land together or not at all.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { Role } from "../../db/schema";
import { engineKpis, headlineKpi, reportFor } from "../models/report.server";
import type { LockedSummary } from "./kinds";
import { noticeKey, type NoticeDraft } from "./outbox.server";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Active accounts of a role (of an entity, for focal points): who a notice goes to. */
export function activeUsers(db: Db | Tx, role: Role, entityCode?: string) {
  return db
    .select({ id: s.users.id })
    .from(s.users)
    .where(
      and(
        eq(s.users.role, role),
        isNull(s.users.disabledAt),
        entityCode === undefined ? undefined : eq(s.users.entityCode, entityCode),
      ),
    )
    .all()
    .map((u) => u.id);
}

/** The notice to each focal point of the figure's entity: returned, with the analyst's comment. */
export function returnedNotices(
  tx: Db | Tx,
  figure: { id: number; entityCode: string; kpiCode: string; period: string; version: number },
  comment: string,
): NoticeDraft[] {
  return activeUsers(tx, "focal-point", figure.entityCode).map((userId) => ({
    userId,
    entityCode: figure.entityCode,
    period: figure.period,
    kind: "returned" as const,
    // The figure's version after the return: returned again later, it is a new notice.
    key: noticeKey("returned", userId, figure.id, figure.version),
    params: { kpi: figure.kpiCode, comment, figureId: figure.id },
  }));
}

/**
 * The month's summary to every executive, keyed by the lock event: a month locked again is told
 * again. Called inside the lock's transaction with the connection itself (the engine reads
 * through it), which better-sqlite3 runs in that same transaction.
 */
export function lockedNotices(db: Db, period: string, lockEventId: number): NoticeDraft[] {
  const summary = lockedSummary(db, period);
  return activeUsers(db, "executive").map((userId) => ({
    userId,
    entityCode: null,
    period,
    kind: "locked" as const,
    key: noticeKey("locked", userId, period, lockEventId),
    params: summary,
  }));
}

/** How many of the largest moves a locked month's summary names. */
const MOVES = 3;

/**
 * The headline KPI of a month as leadership asks about it: the city against its target, the
 * entities at or above their own target and those below, and the largest moves on the month.
 */
export function lockedSummary(db: Db, period: string): LockedSummary {
  const kpi = headlineKpi(engineKpis(db));
  if (!kpi) return { headline: null, met: [], missed: [], moves: [] };
  const rows = reportFor(db, period, { kpi: kpi.code }).rows.filter((r) => r.kpi === kpi.code);
  const city = rows.find((r) => r.entity === null);
  const entities = rows.filter((r) => r.entity !== null && r.assessed);
  const meets = (r: (typeof rows)[number]) => r.achievement !== null && r.achievement >= 1;
  const moves = entities
    .filter((r) => r.actual !== null && r.trend.previous !== null && r.trend.change !== null && r.trend.change !== 0)
    .sort((a, b) => Math.abs(b.trend.change!) - Math.abs(a.trend.change!))
    .slice(0, MOVES)
    .map((r) => ({ entity: r.entity!, from: r.trend.previous!, to: r.actual! }));
  return {
    headline: city ? { kpi: kpi.code, actual: city.actual, target: city.target, status: city.status } : null,
    met: entities.filter(meets).map((r) => r.entity!),
    missed: entities.filter((r) => !meets(r)).map((r) => ({ entity: r.entity!, actual: r.actual, target: r.target })),
    moves,
  };
}
