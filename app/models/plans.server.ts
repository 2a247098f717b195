// Corrective action plans (issue 15). A KPI off track in an entity's month, or short of a final
// target, is owed a plan PLAN_DUE_DAYS after the month's figures were due. Which plans are owed is
// computed from the same month's statuses the scorecards show (statusReportFor), never stored: a
// plan row exists once the entity writes one. The focal point sends it; an analyst accepts or
// returns it; once the KPI is back on track an analyst closes it. Every change is an event with
// the plan as it stood after it.
import { and, asc, desc, eq, inArray, lte, ne } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { ActionState, PlanState } from "../../db/schema";
import type { Actor } from "../auth/permissions";
import { can } from "../auth/permissions";
import type { ReportRow } from "../compliance/types";
import { addMonths, dueMoment, periodOf } from "../figures/month";
import { startOfMinute } from "date-fns/startOfMinute";
import { cachedForFigures } from "./definitions-cache.server";
import { readValue } from "../utils/statements.server";
import { statusReportFor } from "./scorecards.server";
import { missedDue } from "../compliance/missed";

export type Plan = typeof s.plans.$inferSelect;
export type PlanAction = typeof s.planActions.$inferSelect;
export type PlanEvent = typeof s.planEvents.$inferSelect;

export { ACTION_TEXT_MAX, ACTIONS_MAX, PLAN_TEXT_MAX } from "../follow-up/limits";

export interface PlanSettings {
  dueDay: number;
  planDueDays: number;
}

/** A KPI row that calls for a plan: off track, or short of a final target (at risk against it). */
export function needsPlan(row: Pick<ReportRow, "entity" | "status" | "targetKind">): boolean {
  if (row.entity === null) return false;
  return row.status === "off-track" || (row.status === "at-risk" && row.targetKind === "final");
}

/** When a plan for a KPI off track in `period` is due: the figures' due moment plus the days allowed. */
export function planDueAt(period: string, settings: PlanSettings): string {
  return new Date(Date.parse(dueMoment(period, settings.dueDay)) + settings.planDueDays * 86_400_000).toISOString();
}

/** An entity's KPI that needed a plan in a month, and where its plan stands. */
export interface FollowUp {
  entity: string;
  kpi: string;
  period: string;
  status: ReportRow["status"];
  /** The month a final target fell due, when the KPI is below it ("Missed"). */
  missed: string | null;
  dueAt: string;
  /** The open plan for the entity and KPI, whichever month it was opened for. */
  plan: Plan | null;
  /** No accepted plan and the due moment has passed. */
  overdue: boolean;
}

/**
 * The plan that answers for each entity KPI in `period`, by "entity|kpi": its open plan, or else
 * a closed one opened no later than the month and closed after the month's figures were due (it
 * covered that month, which is then followed up, not owed a second plan).
 */
function plansFor(db: Db, period: string, settings: PlanSettings): Map<string, Plan> {
  const rows = db
    .select()
    .from(s.plans)
    .where(lte(s.plans.period, period))
    .orderBy(asc(s.plans.id))
    .all();
  const due = dueMoment(period, settings.dueDay);
  const out = new Map<string, Plan>();
  for (const plan of rows) {
    const key = `${plan.entityCode}|${plan.kpiCode}`;
    const open = out.get(key)?.state !== undefined && out.get(key)!.state !== "closed";
    if (plan.state !== "closed") out.set(key, plan);
    else if (!open && plan.updatedAt > due) out.set(key, plan);
  }
  return out;
}

/** Every entity KPI that needs a plan in `period`, with its open plan if there is one. */
export function followUpsFor(db: Db, period: string, settings: PlanSettings, now: Date, entity?: string): FollowUp[] {
  // Every page of the month asks (the overview for every entity, a scorecard for one): computed
  // once per figures version, plans version and minute, then filtered.
  const key = `followUps:${period}:${settings.dueDay}:${settings.planDueDays}`;
  const stamp = `${plansVersionOf(db)}:${startOfMinute(now).toISOString()}`;
  const all = cachedForFigures(db, key, () => computeFollowUps(db, period, settings, now), stamp);
  return entity === undefined ? all : all.filter((f) => f.entity === entity);
}

function computeFollowUps(db: Db, period: string, settings: PlanSettings, now: Date): FollowUp[] {
  const rows = statusReportFor(db, period).rows.filter((r) => needsPlan(r));
  if (rows.length === 0) return [];
  const open = plansFor(db, period, settings);
  const dueAt = planDueAt(period, settings);
  return rows.map((r) => {
    const plan = open.get(`${r.entity}|${r.kpi}`) ?? null;
    return {
      entity: r.entity!,
      kpi: r.kpi,
      period,
      status: r.status,
      missed: missedDue(r),
      dueAt,
      plan,
      overdue: plan?.state !== "accepted" && plan?.state !== "closed" && now.toISOString() > dueAt,
    };
  });
}

/** An action past its month and not done or dropped, with its plan. */
export interface OverdueAction {
  action: PlanAction;
  plan: Plan;
}

/** Actions of open plans whose month has ended without them being done (or dropped). */
/**
 * Where the plans stand: every change to a plan or its actions is recorded as a plan event (with
 * its snapshot) in the same transaction, so the last event's id moves exactly when they do.
 */
function plansVersionOf(db: Db): number {
  return readValue(db, "SELECT IFNULL(max(id), 0) FROM plan_events") as number;
}

export function overdueActions(db: Db, now: Date, entity?: string): OverdueAction[] {
  const thisMonth = periodOf(now);
  // The overview and every follow-up page ask: read once per plans version and month.
  const all = cachedForFigures(db, `overdueActions:${thisMonth}`, () => readOverdueActions(db, thisMonth), String(plansVersionOf(db)));
  return entity === undefined ? all : all.filter((r) => r.plan.entityCode === entity);
}

function readOverdueActions(db: Db, thisMonth: string): OverdueAction[] {
  const rows = db
    .select({ action: s.planActions, plan: s.plans })
    .from(s.planActions)
    .innerJoin(s.plans, eq(s.plans.id, s.planActions.planId))
    .where(
      and(
        ne(s.plans.state, "closed"),
        inArray(s.planActions.state, ["planned", "in-progress"]),
      ),
    )
    .orderBy(asc(s.planActions.dueMonth), asc(s.plans.entityCode))
    .all();
  return rows.filter((r) => r.action.dueMonth < thisMonth);
}

export function planById(db: Db, id: number): { plan: Plan; actions: PlanAction[]; events: PlanEvent[] } | null {
  const plan = db.select().from(s.plans).where(eq(s.plans.id, id)).get();
  if (!plan) return null;
  return {
    plan,
    actions: db.select().from(s.planActions).where(eq(s.planActions.planId, id)).orderBy(asc(s.planActions.id)).all(),
    events: db.select().from(s.planEvents).where(eq(s.planEvents.planId, id)).orderBy(desc(s.planEvents.id)).all(),
  };
}

/** Plans, newest first, optionally of one entity and in some states. */
export function listPlans(db: Db, filter: { entity?: string; states?: PlanState[] } = {}): Plan[] {
  return db
    .select()
    .from(s.plans)
    .where(
      and(
        filter.entity ? eq(s.plans.entityCode, filter.entity) : undefined,
        filter.states ? inArray(s.plans.state, filter.states) : undefined,
      ),
    )
    .orderBy(desc(s.plans.updatedAt), desc(s.plans.id))
    .limit(500)
    .all();
}

export interface ActionInput {
  /** An existing action's id, or null for a new one. */
  id: number | null;
  title: string;
  owner: string;
  dueMonth: string;
  state: ActionState;
  progress: string;
}

export type PlanOutcome =
  | { ok: true; plan: Plan }
  | { ok: false; reason: "forbidden" | "stale" | "not-needed" | "no-actions" | "state" | "empty" };

function record(db: Db, planId: number, action: PlanEvent["action"], actor: string, at: string, note: string | null) {
  const found = planById(db, planId)!;
  db.insert(s.planEvents)
    .values({ planId, action, actor, at, note, snapshot: JSON.stringify({ plan: found.plan, actions: found.actions }) })
    .run();
}

/**
 * The focal point sends a plan for an entity's KPI needing one in `period` (a new plan), or sends
 * its open plan again with changes (`planId` and the `version` read). A returned plan sent again
 * goes back to the analysts; an accepted plan keeps its acceptance while its actions' states and
 * progress are brought up to date.
 */
export function sendPlan(
  db: Db,
  actor: Actor & { email: string },
  input: {
    entity: string;
    kpi: string;
    period: string;
    planId: number | null;
    version: number | null;
    summary: string;
    language: "en" | "ar";
    actions: ActionInput[];
  },
  settings: PlanSettings,
  now: Date,
): PlanOutcome {
  if (!can(actor, "plans:write", input.entity)) return { ok: false, reason: "forbidden" };
  if (input.actions.filter((a) => a.state !== "dropped").length === 0) return { ok: false, reason: "no-actions" };
  const at = now.toISOString();
  // One connection: the reads through `db` inside see the transaction's writes.
  return db.transaction((tx) => {
    let plan: Plan;
    if (input.planId === null) {
      // A plan is opened only where one is owed and none is open yet.
      const owed = followUpsFor(db, input.period, settings, now, input.entity).find((f) => f.kpi === input.kpi);
      if (!owed) return { ok: false as const, reason: "not-needed" as const };
      if (owed.plan) return { ok: false as const, reason: owed.plan.state === "closed" ? ("state" as const) : ("stale" as const) };
      plan = tx
        .insert(s.plans)
        .values({
          entityCode: input.entity,
          kpiCode: input.kpi,
          period: input.period,
          dueAt: owed.dueAt,
          state: "submitted",
          summary: input.summary.trim(),
          language: input.language,
          createdBy: actor.email,
          createdAt: at,
          updatedAt: at,
        })
        .returning()
        .get();
    } else {
      const found = tx.select().from(s.plans).where(eq(s.plans.id, input.planId)).get();
      if (!found || found.entityCode !== input.entity) return { ok: false as const, reason: "forbidden" as const };
      if (found.version !== input.version) return { ok: false as const, reason: "stale" as const };
      if (found.state === "closed") return { ok: false as const, reason: "state" as const };
      plan = tx
        .update(s.plans)
        .set({
          summary: input.summary.trim(),
          language: input.language,
          state: found.state === "accepted" ? "accepted" : "submitted",
          updatedAt: at,
          version: found.version + 1,
        })
        .where(eq(s.plans.id, found.id))
        .returning()
        .get();
    }
    const existing = new Map(
      tx.select().from(s.planActions).where(eq(s.planActions.planId, plan.id)).all().map((a) => [a.id, a]),
    );
    for (const a of input.actions) {
      const values = { title: a.title.trim(), owner: a.owner.trim(), dueMonth: a.dueMonth, state: a.state, progress: a.progress.trim() };
      // An id that is not this plan's is ignored: a new action, never someone else's changed.
      if (a.id !== null && existing.has(a.id)) tx.update(s.planActions).set(values).where(eq(s.planActions.id, a.id)).run();
      else tx.insert(s.planActions).values({ planId: plan.id, ...values }).run();
    }
    record(db, plan.id, input.planId === null || plan.state === "submitted" ? "submit" : "update", actor.email, at, null);
    return { ok: true as const, plan };
  });
}

/** An analyst accepts or returns a sent plan (a return says why), or closes one whose KPI is back on track. */
export function reviewPlan(
  db: Db,
  actor: Actor & { email: string },
  input: { planId: number; version: number; decision: "accept" | "return" | "close"; note: string },
  now: Date,
): PlanOutcome {
  if (!can(actor, "plans:review")) return { ok: false, reason: "forbidden" };
  const note = input.note.trim();
  // One connection: the reads through `db` inside see the transaction's writes.
  return db.transaction((tx) => {
    const found = tx.select().from(s.plans).where(eq(s.plans.id, input.planId)).get();
    if (!found) return { ok: false as const, reason: "forbidden" as const };
    if (found.version !== input.version) return { ok: false as const, reason: "stale" as const };
    if (input.decision === "close") {
      if (found.state === "closed" || !closable(db, found, now)) return { ok: false as const, reason: "state" as const };
    } else if (found.state !== "submitted") {
      return { ok: false as const, reason: "state" as const };
    }
    if (input.decision === "return" && note === "") return { ok: false as const, reason: "empty" as const };
    const state: PlanState = input.decision === "accept" ? "accepted" : input.decision === "return" ? "returned" : "closed";
    const plan = tx
      .update(s.plans)
      .set({ state, updatedAt: now.toISOString(), version: found.version + 1 })
      .where(eq(s.plans.id, found.id))
      .returning()
      .get();
    record(db, plan.id, input.decision, actor.email, now.toISOString(), note || null);
    return { ok: true as const, plan };
  });
}

/**
 * A plan is proposed for closing when its KPI no longer needs one: in the latest month with
 * figures for the entity since the plan's month, the KPI is neither off track nor short of a
 * final target.
 */
export function closable(db: Db, plan: Plan, now: Date): boolean {
  // The months since the plan's, newest first from last month, a year at most: the first with a
  // status decides.
  let period = addMonths(periodOf(now), -1);
  for (let i = 0; i < 12 && period > plan.period; i++, period = addMonths(period, -1)) {
    const row = statusReportFor(db, period).rows.find((r) => r.entity === plan.entityCode && r.kpi === plan.kpiCode);
    if (!row || row.status === "no-data") continue;
    return !needsPlan(row);
  }
  return false;
}

/** What the overview says about follow-up in a month: who is off track and what they are doing. */
export interface FollowUpOverview {
  /** Entity KPIs needing a plan this month. */
  needing: number;
  /** Of those, with an accepted plan. */
  accepted: number;
  /** Of those, past the plan's due moment without an accepted plan. */
  overdue: number;
  /** The ones without an accepted plan, overdue first, at most `limit`. */
  open: Array<{ entity: string; kpi: string; status: FollowUp["status"]; missed: string | null; planId: number | null; planState: PlanState | null; overdue: boolean; dueAt: string }>;
  /** Open plans' actions past their month, at most `limit`. */
  overdueActions: Array<{ entity: string; kpi: string; planId: number; title: string; owner: string; dueMonth: string }>;
  overdueActionCount: number;
}

export function followUpOverview(
  db: Db,
  period: string,
  settings: PlanSettings,
  now: Date,
  visible: (entity: string) => boolean,
  limit = 30,
): FollowUpOverview {
  const all = followUpsFor(db, period, settings, now).filter((f) => visible(f.entity));
  const open = all
    .filter((f) => f.plan?.state !== "accepted" && f.plan?.state !== "closed")
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.entity.localeCompare(b.entity) || a.kpi.localeCompare(b.kpi));
  const late = overdueActions(db, now).filter((r) => visible(r.plan.entityCode));
  return {
    needing: all.length,
    accepted: all.length - open.length,
    overdue: open.filter((f) => f.overdue).length,
    open: open.slice(0, limit).map((f) => ({
      entity: f.entity,
      kpi: f.kpi,
      status: f.status,
      missed: f.missed,
      planId: f.plan?.id ?? null,
      planState: f.plan?.state ?? null,
      overdue: f.overdue,
      dueAt: f.dueAt,
    })),
    overdueActions: late.slice(0, limit).map((r) => ({
      entity: r.plan.entityCode,
      kpi: r.plan.kpiCode,
      planId: r.plan.id,
      title: r.action.title,
      owner: r.action.owner,
      dueMonth: r.action.dueMonth,
    })),
    overdueActionCount: late.length,
  };
}
