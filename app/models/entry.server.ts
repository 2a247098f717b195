// The monthly round: a focal point's entry form, submission, an analyst's review, locking a
// month, and the history of every figure. Which moves a figure may make is app/figures/states.ts;
// every change appends to figure_history through appendHistory (figures.server.ts).
import { startOfMinute } from "date-fns/startOfMinute";
import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { FigureStatus } from "../../db/schema";
import { assess } from "../compliance/engine";
import { coveringTargets, targetInForce } from "../compliance/targets";
import { timeliness, type Timeliness } from "../compliance/timeliness";
import type { EngineKpi } from "../compliance/types";
import {
  checkFigure,
  hasControlCharacters,
  type CheckedFigure,
  type FigureProblem,
  type FigureRules,
  type RawFigure,
  ungroupTyped,
} from "../figures/rules";
import type { EntryProblem } from "../figures/entry-form";
import { addMonths } from "../figures/month";
import { canTransition, historyAction, isReadOnlyForEntry, readOnlyReason, statusAfter } from "../figures/states";
import type { ImportError } from "../figures/csv.server";
import { appendHistory, loadFigureRules, writeFigure, type Figure } from "./figures.server";
import { listEntities } from "./kpis.server";
import { engineKpis, selectRows } from "./report.server";
import { cachedForFigures } from "./definitions-cache.server";
import { publishEdition } from "./editions.server";
import { latestEditionRow } from "./published.server";
import { lockedNotices, returnedNotices } from "../notices/events.server";
import { queueNotices } from "../notices/outbox.server";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type { Figure };

export function figuresOf(db: Db | Tx, entity: string, periods: string[]): Figure[] {
  return db
    .select()
    .from(s.figures)
    .where(and(eq(s.figures.entityCode, entity), inArray(s.figures.period, periods)))
    .all();
}

export function isLocked(db: Db | Tx, period: string): boolean {
  return (
    db.select().from(s.periodLocks).where(eq(s.periodLocks.period, period)).get() !== undefined
  );
}

/** The KPIs an entity reports, as the engine knows them. */
function reportedKpis(db: Db, entity: string): EngineKpi[] {
  return engineKpis(db).filter((k) => k.reporters.includes(entity));
}

export function entryFormFor(db: Db, entity: string, period: string) {
  const kpis = reportedKpis(db, entity);
  const figures = figuresOf(db, entity, [period, addMonths(period, -1)]);
  const at = (kpi: string, p: string) =>
    figures.find((f) => f.kpiCode === kpi && f.period === p) ?? null;
  return {
    locked: isLocked(db, period),
    items: kpis.map((kpi) => {
      const target = targetInForce(coveringTargets(kpi.targets, entity), period);
      return {
        kpi: kpi.code,
        current: at(kpi.code, period),
        previous: at(kpi.code, addMonths(period, -1)),
        target: target ? { value: target.value, kind: target.kind, due: target.target.due } : null,
        atRiskBand: kpi.atRiskBand,
      };
    }),
  };
}

export interface EntryItem {
  kpi: string;
  value?: string;
  numerator?: string;
  denominator?: string;
  comment?: string;
  /** The version of the figure the form was filled against; "" for a figure not yet saved. */
  version: string;
}

export type { EntryProblem };

export interface Conflict {
  value: number;
  numerator: number | null;
  denominator: number | null;
  by: string;
  at: string;
}

export type EntryResult =
  | { ok: true; saved: number; submitted: number }
  | { ok: false; locked: true }
  | {
      ok: false;
      locked?: false;
      /** A draft's valid figures are saved even when others are refused; a submission is all or nothing. */
      saved: number;
      problems: Record<string, EntryProblem[]>;
      conflicts: Record<string, Conflict>;
    };

const given = (t: string | undefined) => t !== undefined && t.trim() !== "";

/**
 * Saves a focal point's month as draft, or submits it for review. All or nothing: one bad or
 * conflicting KPI and nothing is written, so the form can be shown again as it was typed.
 */
export function saveEntry(
  db: Db,
  args: {
    entity: string;
    period: string;
    intent: "save" | "submit";
    items: EntryItem[];
    actor: string;
    now: Date;
    currentPeriod: string;
    jumpShare: number;
  },
): EntryResult {
  const { entity, period, intent, actor } = args;
  const now = args.now.toISOString();
  return db.transaction((tx) => {
    const rules: FigureRules = loadFigureRules(tx, args.currentPeriod);
    if (rules.lockedPeriods.has(period)) return { ok: false as const, locked: true as const };
    const kpis = new Map(reportedKpis(db, entity).map((k) => [k.code, k]));
    const existing = new Map(
      figuresOf(tx, entity, [period, addMonths(period, -1)]).map((f) => [
        `${f.kpiCode}|${f.period}`,
        f,
      ]),
    );
    const problems: Record<string, EntryProblem[]> = {};
    const conflicts: Record<string, Conflict> = {};
    const writes: Array<{ figure: CheckedFigure; current: Figure | undefined }> = [];

    for (const item of args.items) {
      const kpi = kpis.get(item.kpi);
      if (!kpi) continue; // not a KPI this entity reports: nothing of it is written
      const current = existing.get(`${item.kpi}|${period}`);
      const add = (p: EntryProblem) => (problems[item.kpi] ??= []).push(p);
      const typed = given(item.value) || given(item.numerator) || given(item.denominator);

      // Read-only until an analyst returns it; the form shows it without inputs.
      if (isReadOnlyForEntry(current?.status)) continue;
      if (!typed) {
        if (intent === "submit") add({ code: "required-to-submit", field: "value", params: {} });
        continue;
      }
      // Someone else saved this figure since the form was opened: refuse, and show theirs.
      const expected = item.version === "" ? null : Number(item.version);
      if ((current?.version ?? null) !== expected && current) {
        conflicts[item.kpi] = {
          value: current.value,
          numerator: current.numerator,
          denominator: current.denominator,
          by: current.updatedBy,
          at: current.updatedAt,
        };
        continue;
      }
      // Typed by a person: thousands separators are forgiven here, not in files.
      const typedNumber = (text: string | undefined) => (text === undefined ? undefined : ungroupTyped(text));
      const raw: RawFigure = {
        entity,
        kpi: item.kpi,
        period,
        value: typedNumber(item.value),
        numerator: typedNumber(item.numerator),
        denominator: typedNumber(item.denominator),
        comment: item.comment,
      };
      const result = checkFigure(raw, rules);
      if (!result.ok) {
        for (const p of result.problems) add(p);
        continue;
      }
      if (intent === "submit" && !result.figure.comment) {
        const reason = needsJustification(
          kpi,
          entity,
          period,
          result.figure.value,
          existing.get(`${item.kpi}|${addMonths(period, -1)}`)?.value ?? null,
          args.jumpShare,
        );
        if (reason) add({ code: "justify", field: "comment", params: reason });
      }
      // A draft saved again as it was is left alone: no new version, no history row, not counted.
      if (intent === "save" && current && sameFigure(current, result.figure)) continue;
      writes.push({ figure: result.figure, current });
    }

    const refused = Object.keys(problems).length > 0 || Object.keys(conflicts).length > 0;
    // A submission goes whole or not at all; a draft keeps what is right and shows what is not.
    if (refused && intent === "submit") return { ok: false as const, saved: 0, problems, conflicts };

    for (const { figure, current } of writes) {
      const from = current?.status ?? null;
      writeFigure(tx, figure, current, {
        action: historyAction(from, intent),
        source: "form",
        status: statusAfter(from, intent),
        actor,
        now,
        extra:
          intent === "submit" ? { submittedAt: now, submittedBy: actor, reviewComment: null } : {},
      });
    }
    if (refused) return { ok: false as const, saved: writes.length, problems, conflicts };
    return {
      ok: true as const,
      saved: writes.length,
      submitted: intent === "submit" ? writes.length : 0,
    };
  });
}

/** A figure sent (by the form or the API) exactly as it is stored: nothing to write. */
function sameFigure(stored: Pick<Figure, "value" | "numerator" | "denominator" | "comment">, sent: CheckedFigure): boolean {
  return (
    stored.value === sent.value &&
    stored.numerator === sent.numerator &&
    stored.denominator === sent.denominator &&
    (stored.comment ?? null) === (sent.comment ?? null)
  );
}

/** Why a figure needs a comment before it is submitted, or null when it does not. */
export function needsJustification(
  kpi: EngineKpi,
  entity: string,
  period: string,
  value: number,
  previous: number | null,
  jumpShare: number,
): Record<string, string | number> | null {
  if (
    previous !== null &&
    previous !== 0 &&
    Math.abs(value - previous) / Math.abs(previous) > jumpShare
  ) {
    return {
      reason: "jump",
      share: Math.round((Math.abs(value - previous) / Math.abs(previous)) * 100),
      limit: Math.round(jumpShare * 100),
    };
  }
  const target = targetInForce(coveringTargets(kpi.targets, entity), period);
  if (target && assess(kpi, value, target).status === "off-track") {
    return { reason: "below-band", band: Math.round(kpi.atRiskBand * 100) };
  }
  return null;
}

export type ReviewResult =
  | { ok: true }
  | {
      ok: false;
      error: "not-submitted" | "comment-required" | "control-characters" | "locked" | "not-found";
    };

/** An analyst approves a submitted figure, or returns it with a comment the focal point sees. */
export function reviewFigure(
  db: Db,
  args: {
    figureId: number;
    decision: "approve" | "return";
    comment: string;
    actor: string;
    now: Date;
  },
): ReviewResult {
  const now = args.now.toISOString();
  return db.transaction((tx) => {
    const figure = tx.select().from(s.figures).where(eq(s.figures.id, args.figureId)).get();
    if (!figure) return { ok: false as const, error: "not-found" as const };
    if (isLocked(tx, figure.period)) return { ok: false as const, error: "locked" as const };
    if (!canTransition(figure.status, args.decision))
      return { ok: false as const, error: "not-submitted" as const };
    const comment = args.comment.trim().slice(0, 2000);
    if (args.decision === "return" && !comment)
      return { ok: false as const, error: "comment-required" as const };
    if (hasControlCharacters(comment))
      return { ok: false as const, error: "control-characters" as const };
    const status = statusAfter(figure.status, args.decision);
    tx.update(s.figures)
      .set({
        status,
        version: figure.version + 1,
        reviewedAt: now,
        reviewedBy: args.actor,
        reviewComment: args.decision === "return" ? comment : null,
        updatedBy: args.actor,
        updatedAt: now,
      })
      .where(eq(s.figures.id, figure.id))
      .run();
    appendHistory(
      tx,
      figure.id,
      args.decision,
      figure,
      { ...figure, status },
      comment || null,
      args.actor,
      now,
    );
    if (args.decision === "return") {
      queueNotices(tx, returnedNotices(tx, { ...figure, version: figure.version + 1 }, comment), args.now);
    }
    return { ok: true as const };
  });
}

/**
 * An analyst approves every submitted figure of an entity's month in one action, all or nothing:
 * the month's review done at once, single figures still returned one by one before it.
 */
export function approveMonth(
  db: Db,
  args: { entity: string; period: string; actor: string; now: Date },
): { ok: true; approved: number } | { ok: false; error: "locked" | "not-submitted" } {
  return db.transaction((tx) => {
    if (isLocked(tx, args.period)) return { ok: false as const, error: "locked" as const };
    // One entity's month is a few dozen figures: asked of the state machine, not spelled in SQL.
    const waiting = tx
      .select({ id: s.figures.id, status: s.figures.status })
      .from(s.figures)
      .where(and(eq(s.figures.entityCode, args.entity), eq(s.figures.period, args.period)))
      .all()
      .filter((f) => canTransition(f.status, "approve"));
    if (waiting.length === 0) return { ok: false as const, error: "not-submitted" as const };
    for (const { id } of waiting) {
      const result = reviewFigure(tx as unknown as Db, { figureId: id, decision: "approve", comment: "", actor: args.actor, now: args.now });
      // Checked above, in the same transaction: a refusal here is a bug, and undoes the whole month.
      if (!result.ok) throw new Error(`approveMonth: figure ${id}: ${result.error}`);
    }
    return { ok: true as const, approved: waiting.length };
  });
}

/** Submitted figures waiting for an analyst, oldest first. */
export function reviewQueue(db: Db) {
  return db
    .select()
    .from(s.figures)
    .where(eq(s.figures.status, "submitted"))
    .orderBy(asc(s.figures.submittedAt))
    .all();
}

/** A lock or a reopening, in the history of every figure of the month (their state unchanged). */
function recordOnMonth(tx: Tx, period: string, move: "lock" | "reopen", comment: string | null, actor: string, at: string) {
  for (const f of tx.select().from(s.figures).where(eq(s.figures.period, period)).all()) {
    appendHistory(tx, f.id, historyAction(f.status, move), f, { ...f, status: statusAfter(f.status, move) }, comment, actor, at);
  }
}

export function lockPeriod(db: Db, period: string, actor: string, now: Date, reason: string | null = null): boolean {
  return db.transaction((tx) => {
    if (isLocked(tx, period)) return false;
    const at = now.toISOString();
    tx.insert(s.periodLocks).values({ period, lockedBy: actor, lockedAt: at }).run();
    const event = tx.insert(s.periodEvents).values({ period, action: "lock", reason, actor, at }).run();
    recordOnMonth(tx, period, "lock", null, actor, at);
    // The month as published, computed on the connection itself (inside this transaction): the
    // edition and the lock land together. Its reason: the one given now, or else why the month
    // was reopened since its last edition (none for a first edition).
    const previous = latestEditionRow(db, period);
    const reopened = previous
      ? tx
          .select({ reason: s.periodEvents.reason })
          .from(s.periodEvents)
          .where(and(eq(s.periodEvents.period, period), eq(s.periodEvents.action, "reopen"), gt(s.periodEvents.at, previous.publishedAt)))
          .orderBy(desc(s.periodEvents.id))
          .limit(1)
          .get()
      : undefined;
    publishEdition(db, period, actor, at, reason ?? reopened?.reason ?? null);
    queueNotices(tx, lockedNotices(db, period, Number(event.lastInsertRowid)), now);
    return true;
  });
}

export function reopenPeriod(
  db: Db,
  period: string,
  reason: string,
  actor: string,
  now: Date,
): boolean {
  return db.transaction((tx) => {
    if (!isLocked(tx, period)) return false;
    const at = now.toISOString();
    tx.delete(s.periodLocks).where(eq(s.periodLocks.period, period)).run();
    tx.insert(s.periodEvents).values({ period, action: "reopen", reason, actor, at }).run();
    recordOnMonth(tx, period, "reopen", reason, actor, at);
    return true;
  });
}

export function periodEvents(db: Db, limit = 50) {
  return db.select().from(s.periodEvents).orderBy(desc(s.periodEvents.id)).limit(limit).all();
}

export function lockedPeriods(db: Db): string[] {
  return db
    .select({ period: s.periodLocks.period })
    .from(s.periodLocks)
    .orderBy(desc(s.periodLocks.period))
    .all()
    .map((l) => l.period);
}

export function getFigure(db: Db, id: number): Figure | undefined {
  return db.select().from(s.figures).where(eq(s.figures.id, id)).get();
}

export function historyOf(db: Db, figureId: number) {
  return db
    .select()
    .from(s.figureHistory)
    .where(eq(s.figureHistory.figureId, figureId))
    .orderBy(asc(s.figureHistory.id))
    .all();
}

/**
 * When a figure reached the office: its submission, or for an imported figure the import. A
 * draft has not arrived.
 */
function arrivedAt(
  f: Pick<Figure, "status" | "source" | "submittedAt" | "enteredAt"> | null,
): string | null {
  if (!f || f.status === "draft") return null;
  return f.submittedAt ?? (f.source === "form" ? null : f.enteredAt);
}

/**
 * When each of an entity's figures for a month reached the office: a focal point's
 * submission, or for imported and generated figures the moment they were loaded. `figures`:
 * the month's figures when the caller has read them already.
 */
export function submissionsOf(db: Db, entity: string, period: string, figures = figuresOf(db, entity, [period])) {
  return reportedKpis(db, entity).map((kpi) => {
    const f = figures.find((x) => x.kpiCode === kpi.code);
    const at = arrivedAt(f ?? null);
    return { kpi: kpi.code, at, status: (f?.status ?? null) as FigureStatus | null };
  });
}

/** Every entity's submission state for a month: what an analyst checks before the review. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Each entity's figures of a month by state, and whether it reported on time. Kept per version of
 * the figures and per minute: the month's figures are read once, not on every page view.
 */
export function submissionStates(db: Db, period: string, dueDay: number, now: Date) {
  const minute = startOfMinute(now).toISOString();
  return cachedForFigures(db, `submissionStates:${period}:${dueDay}`, () => readSubmissionStates(db, period, dueDay, now), minute);
}

function readSubmissionStates(db: Db, period: string, dueDay: number, now: Date) {
  const columns = {
    entity: s.figures.entityCode,
    kpi: s.figures.kpiCode,
    source: s.figures.source,
    status: s.figures.status,
    submittedAt: s.figures.submittedAt,
    enteredAt: s.figures.enteredAt,
  };
  const all = selectRows<{
    entity: string;
    kpi: string;
    source: Figure["source"];
    status: FigureStatus;
    submittedAt: string | null;
    enteredAt: string;
  }>(
    db,
    db.select(columns).from(s.figures).where(eq(s.figures.period, period)),
    Object.keys(columns),
  );
  // Grouped once: filtering the month's figures and the catalogue for each entity grew with the
  // square of the entities.
  const reportedBy = groupBy(
    engineKpis(db).flatMap((kpi) => kpi.reporters.map((entity) => ({ entity, kpi: kpi.code }))),
    (r) => r.entity,
  );
  const byEntity = groupBy(all, (f) => f.entity);
  return listEntities(db).map((entity) => {
    const reported = (reportedBy.get(entity.code) ?? []).map((r) => r.kpi);
    const figures = byEntity.get(entity.code) ?? [];
    const byKpi = new Map(figures.map((f) => [f.kpi, f]));
    const submissions = reported.map((kpi) => {
      const f = byKpi.get(kpi);
      return { kpi, at: f ? arrivedAt(f) : null };
    });
    const count = (status: FigureStatus) => figures.filter((f) => f.status === status).length;
    return {
      ...entity,
      expected: reported.length,
      draft: count("draft"),
      submitted: count("submitted"),
      returned: count("returned"),
      approved: count("approved"),
      timeliness: timeliness(submissions, period, dueDay, now.toISOString()) as Timeliness,
    };
  });
}

/**
 * A focal point's uploaded file, already checked row by row: saved as drafts, all or nothing.
 * A figure already awaiting review or approved is not overwritten by a file.
 */
export function saveUpload(
  db: Db,
  args: {
    entity: string;
    figures: Array<CheckedFigure & { line: number }>;
    actor: string;
    now: Date;
    currentPeriod: string;
    /**
     * When the uploader opened the page (ISO); null when unknown. A draft someone else changed
     * after that is not overwritten: the uploader has not seen it (the form's version check, for
     * a file). Unknown counts as never, so a request without it overwrites nobody's work.
     */
    openedAt: string | null;
  },
): { ok: true; saved: number } | { ok: false; conflict: boolean; errors: ImportError[] } {
  const now = args.now.toISOString();
  return db.transaction((tx) => {
    const periods = [...new Set(args.figures.map((f) => f.period))];
    const existing = new Map(
      figuresOf(tx, args.entity, periods).map((f) => [`${f.kpiCode}|${f.period}`, f]),
    );
    const errors: ImportError[] = [];
    let conflicts = 0;
    for (const figure of args.figures) {
      const current = existing.get(`${figure.kpi}|${figure.period}`);
      // Checked again inside the transaction: a month locked since the file was read stays locked.
      if (isLocked(tx, figure.period)) {
        errors.push({
          line: figure.line,
          message: `period ${figure.period} is locked`,
          problems: [{ code: "locked-period", field: "period", params: { period: figure.period } }],
        });
        continue;
      }
      const readOnly = readOnlyReason(current?.status);
      if (current && readOnly) {
        errors.push({
          line: figure.line,
          message: `${figure.kpi} ${figure.period} is ${current.status}`,
          problems: [
            {
              code: readOnly as never,
              field: "value",
              params: { kpi: figure.kpi, period: figure.period },
            },
          ],
        });
      } else if (
        current &&
        current.updatedBy !== args.actor &&
        current.updatedAt > (args.openedAt ?? "")
      ) {
        conflicts++;
        errors.push({
          line: figure.line,
          message: `${figure.kpi} ${figure.period} was changed by ${current.updatedBy} at ${current.updatedAt}, after this page was opened`,
          problems: [
            {
              code: "changed-by-other" as never,
              field: "value",
              params: {
                kpi: figure.kpi,
                period: figure.period,
                by: current.updatedBy,
                at: current.updatedAt,
              },
            },
          ],
        });
      }
    }
    if (errors.length > 0) return { ok: false as const, conflict: conflicts > 0, errors };
    for (const figure of args.figures) {
      const current = existing.get(`${figure.kpi}|${figure.period}`);
      const from = current?.status ?? null;
      writeFigure(tx, figure, current, {
        action: historyAction(from, "upload"),
        source: "form",
        status: statusAfter(from, "upload"),
        actor: args.actor,
        now,
      });
    }
    return { ok: true as const, saved: args.figures.length };
  });
}

/** What sending a figure did (or, in a dry run, would do) to the stored one. */
export type BatchOutcome = "created" | "updated" | "unchanged";

export interface BatchFigure {
  line: number;
  entity: string;
  kpi: string;
  period: string;
  outcome: BatchOutcome;
  /** The figure's state afterwards. */
  status: FigureStatus;
}

export type BatchResult =
  | { ok: true; created: number; updated: number; unchanged: number; figures: BatchFigure[] }
  | { ok: false; errors: ImportError[] };

/**
 * One entity's figures sent by its own system (the API), for any months, already checked row by
 * row (checkFigureRows): saved as drafts, or submitted for review, all or nothing. The form's
 * rules hold: a locked month, or a figure awaiting review or approved, is refused; a submission
 * that jumps against the month before or lands off track needs a comment. A figure sent exactly
 * as it is stored, in the state it would get, is left alone (no history row), so sending the same
 * figures again changes nothing. With `dryRun` nothing is written and the answer says what would
 * have happened, decided by the same code in the same transaction.
 */
export function saveFigureBatch(
  db: Db,
  args: {
    entity: string;
    figures: Array<CheckedFigure & { line: number }>;
    intent: "save" | "submit";
    dryRun: boolean;
    actor: string;
    now: Date;
    currentPeriod: string;
    jumpShare: number;
  },
): BatchResult {
  const { entity, intent, actor } = args;
  const now = args.now.toISOString();
  return db.transaction((tx) => {
    // Read inside the transaction: a month locked since the figures were checked stays locked.
    const locked = loadFigureRules(tx, args.currentPeriod).lockedPeriods;
    const kpis = new Map(reportedKpis(db, entity).map((k) => [k.code, k]));
    const periods = new Set(args.figures.map((f) => f.period));
    // A submission is compared with the month before: read those too.
    if (intent === "submit") for (const p of [...periods]) periods.add(addMonths(p, -1));
    const existing = new Map(figuresOf(tx, entity, [...periods]).map((f) => [`${f.kpiCode}|${f.period}`, f]));
    const sent = new Map(args.figures.map((f) => [`${f.kpi}|${f.period}`, f]));

    const errors: ImportError[] = [];
    const plan: Array<{
      figure: CheckedFigure & { line: number };
      current: Figure | undefined;
      outcome: BatchOutcome;
      status: FigureStatus;
    }> = [];
    const refuse = (line: number, message: string, problem: EntryProblem) =>
      errors.push({ line, message, problems: [problem as FigureProblem] });

    for (const figure of args.figures) {
      const current = existing.get(`${figure.kpi}|${figure.period}`);
      if (figure.entity !== entity || !kpis.has(figure.kpi)) {
        // checkFigureRows has already refused both; a caller that skipped it writes nothing.
        refuse(figure.line, `${figure.entity} does not report ${figure.kpi} here`, {
          code: "not-a-reporter",
          field: "entity",
          params: { entity: figure.entity, kpi: figure.kpi },
        });
        continue;
      }
      if (locked.has(figure.period)) {
        refuse(figure.line, `period ${figure.period} is locked`, {
          code: "locked-period",
          field: "period",
          params: { period: figure.period },
        });
        continue;
      }
      const readOnly = readOnlyReason(current?.status);
      if (current && readOnly) {
        // Read-only until an analyst returns it, as on the form.
        refuse(figure.line, `${figure.kpi} ${figure.period} is ${current.status}: only an analyst can return it for changes`, {
          code: readOnly,
          field: "value",
          params: { kpi: figure.kpi, period: figure.period },
        });
        continue;
      }
      if (intent === "submit" && !figure.comment) {
        const before = `${figure.kpi}|${addMonths(figure.period, -1)}`;
        const previous = sent.get(before)?.value ?? existing.get(before)?.value ?? null;
        const reason = needsJustification(kpis.get(figure.kpi)!, entity, figure.period, figure.value, previous, args.jumpShare);
        if (reason) {
          refuse(
            figure.line,
            reason.reason === "jump"
              ? `a comment is needed to submit a figure that moves ${reason.share}% against the month before (more than ${reason.limit}%)`
              : `a comment is needed to submit a figure below the at-risk band (${reason.band}% of its target)`,
            { code: "justify", field: "comment", params: reason },
          );
          continue;
        }
      }
      const status = statusAfter(current?.status ?? null, intent);
      const outcome: BatchOutcome = !current
        ? "created"
        : sameFigure(current, figure) && current.status === status
          ? "unchanged"
          : "updated";
      plan.push({ figure, current, outcome, status });
    }
    if (errors.length > 0) return { ok: false as const, errors: errors.sort((a, b) => a.line - b.line) };

    if (!args.dryRun) {
      for (const { figure, current, outcome, status } of plan) {
        if (outcome === "unchanged") continue;
        writeFigure(tx, figure, current, {
          action: historyAction(current?.status ?? null, intent),
          source: "form",
          status,
          actor,
          now,
          extra: intent === "submit" ? { submittedAt: now, submittedBy: actor, reviewComment: null } : {},
        });
      }
    }
    const count = (outcome: BatchOutcome) => plan.filter((p) => p.outcome === outcome).length;
    return {
      ok: true as const,
      created: count("created"),
      updated: count("updated"),
      unchanged: count("unchanged"),
      figures: plan.map(({ figure, current, outcome, status }) => ({
        line: figure.line,
        entity: figure.entity,
        kpi: figure.kpi,
        period: figure.period,
        outcome,
        status: outcome === "unchanged" ? current!.status : status,
      })),
    };
  });
}
