// Words beside the numbers (issue 15): a focal point's analysis and recommendation for one of
// their entity's KPIs in a month and their entity's summary of the month, reviewed by an analyst
// as figures are; the month's executive summary, written by analysts. Every version is a row
// (append-only): a review writes the version it approves or returns again, with its verdict.
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { CommentarySubject } from "../../db/schema";
import type { Actor } from "../auth/permissions";
import { can } from "../auth/permissions";

import { CITY } from "../follow-up/limits";
import { preparedQuery } from "../utils/statements.server";

export { CITY, COMMENTARY_MAX } from "../follow-up/limits";

export type CommentaryRow = typeof s.commentary.$inferSelect;

export interface CommentaryKey {
  subject: CommentarySubject;
  /** An entity code, or CITY for the executive summary. */
  entity: string;
  /** A KPI code for a KPI's commentary, "" otherwise. */
  kpi: string;
  period: string;
}

/** A subject's newest version and the newest approved one (what readers outside the office see). */
export interface CommentaryNow {
  current: CommentaryRow;
  approved: CommentaryRow | null;
  versions: number;
}

export const keyOf = (c: Pick<CommentaryRow, "subject" | "entityCode" | "kpiCode">) => `${c.subject}|${c.entityCode}|${c.kpiCode}`;

/** Who may write a subject: focal points their entity's KPIs and summary, analysts the city's. */
export function mayWrite(actor: Actor, key: Pick<CommentaryKey, "subject" | "entity">): boolean {
  if (key.subject === "city") return key.entity === CITY && can(actor, "summary:write");
  return key.entity !== CITY && can(actor, "commentary:write", key.entity);
}

/**
 * Whether a reader sees versions not yet approved: the office (analysts, administrators) and the
 * entity's own focal points; executives read what was approved.
 */
export function seesDrafts(actor: Actor, entity: string): boolean {
  if (can(actor, "commentary:review")) return true;
  return entity !== CITY && can(actor, "commentary:write", entity);
}

/** Every subject of the given entities (and CITY) in a month, newest version and newest approved. */
export function commentaryOf(db: Db, period: string, entities: string[]): Map<string, CommentaryNow> {
  // One statement for any number of entities: the codes go in as one JSON array.
  const rows = preparedQuery(db, "commentaryOf", (d) =>
    d
      .select()
      .from(s.commentary)
      .where(
        and(
          eq(s.commentary.period, sql.placeholder("period")),
          sql`${s.commentary.entityCode} IN (SELECT value FROM json_each(${sql.placeholder("entities")}))`,
        ),
      )
      .orderBy(asc(s.commentary.id))
      .prepare(),
  ).all({ period, entities: JSON.stringify(entities) });
  const out = new Map<string, CommentaryNow>();
  for (const row of rows) {
    const key = keyOf(row);
    const before = out.get(key);
    out.set(key, {
      current: row,
      approved: row.state === "approved" ? row : (before?.approved ?? null),
      versions: (before?.versions ?? 0) + 1,
    });
  }
  return out;
}

/** What a reader is shown of a subject: the newest version if they see drafts, else the newest approved. */
export function shownTo(now: CommentaryNow | undefined, drafts: boolean): CommentaryRow | null {
  if (!now) return null;
  return drafts ? now.current : now.approved;
}

export function commentaryHistory(db: Db, key: CommentaryKey): CommentaryRow[] {
  return db
    .select()
    .from(s.commentary)
    .where(
      and(
        eq(s.commentary.subject, key.subject),
        eq(s.commentary.entityCode, key.entity),
        eq(s.commentary.kpiCode, key.kpi),
        eq(s.commentary.period, key.period),
      ),
    )
    .orderBy(desc(s.commentary.id))
    .all();
}

export type WriteOutcome =
  | { ok: true; row: CommentaryRow }
  | { ok: false; reason: "forbidden" | "stale" | "empty" };

/**
 * A new version of a subject. `basedOn` is the id of the version the writer read (null for the
 * first): someone else's version written meanwhile is not overwritten unseen.
 */
export function writeCommentary(
  db: Db,
  actor: Actor & { email: string },
  key: CommentaryKey,
  text: { analysis: string; recommendation: string; language: "en" | "ar"; basedOn: number | null },
  now: Date,
): WriteOutcome {
  if (!mayWrite(actor, key)) return { ok: false, reason: "forbidden" };
  const analysis = text.analysis.trim();
  if (analysis === "") return { ok: false, reason: "empty" };
  // One connection: the reads through `db` inside see the transaction's writes.
  return db.transaction((tx) => {
    const latest = commentaryHistory(db, key)[0] ?? null;
    if ((latest?.id ?? null) !== text.basedOn) return { ok: false as const, reason: "stale" as const };
    const row = tx
      .insert(s.commentary)
      .values({
        subject: key.subject,
        entityCode: key.entity,
        kpiCode: key.kpi,
        period: key.period,
        analysis,
        recommendation: key.subject === "kpi" ? text.recommendation.trim() : "",
        language: text.language,
        // The office's own summary needs no second reader; an entity's words are reviewed.
        state: key.subject === "city" ? "approved" : "submitted",
        author: actor.email,
        writtenAt: now.toISOString(),
      })
      .returning()
      .get();
    return { ok: true as const, row };
  });
}

/** An analyst approves or returns the version they read (it must still be the newest, and submitted). */
export function reviewCommentary(
  db: Db,
  actor: Actor & { email: string },
  id: number,
  decision: "approve" | "return",
  note: string,
  now: Date,
  /** The entity (or CITY) and month of the page the review came from: another's version is refused. */
  scope?: { entity: string; period: string },
): WriteOutcome {
  if (!can(actor, "commentary:review")) return { ok: false, reason: "forbidden" };
  // One connection: the reads through `db` inside see the transaction's writes.
  return db.transaction((tx) => {
    const version = tx.select().from(s.commentary).where(eq(s.commentary.id, id)).get();
    if (scope && version && (version.entityCode !== scope.entity || version.period !== scope.period)) {
      return { ok: false as const, reason: "forbidden" as const };
    }
    if (!version || version.state !== "submitted") return { ok: false as const, reason: "stale" as const };
    const latest = commentaryHistory(db, { subject: version.subject, entity: version.entityCode, kpi: version.kpiCode, period: version.period })[0];
    if (latest.id !== version.id) return { ok: false as const, reason: "stale" as const };
    // A return must say why: the focal point reads it.
    if (decision === "return" && note.trim() === "") return { ok: false as const, reason: "empty" as const };
    const { id: _id, ...content } = version;
    const row = tx
      .insert(s.commentary)
      .values({
        ...content,
        state: decision === "approve" ? "approved" : "returned",
        reviewer: actor.email,
        reviewedAt: now.toISOString(),
        reviewNote: note.trim() || null,
      })
      .returning()
      .get();
    return { ok: true as const, row };
  });
}
