// The briefing books' rows: one per preparation of a month's book in one language. The work of
// preparing one is app/briefing/jobs.server.ts; here are the queries and the two rules a reader
// depends on: when a book is out of date, and when a preparation was interrupted.
// docs/decisions/0018-briefing-book.md.
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { BriefingState } from "../../db/schema";
import type { Locale } from "../i18n/locale";
import { cachedForFigures, definitionsVersionOf } from "./definitions-cache.server";

/** A book's row without its PDF: what the page shows. */
export interface BriefingBook {
  id: number;
  period: string;
  language: Locale;
  state: BriefingState;
  progress: number;
  requestedBy: string;
  requestedAt: string;
  startedAt: string | null;
  heartbeatAt: string;
  finishedAt: string | null;
  dataVersion: string | null;
  pages: number | null;
  bytes: number | null;
  error: string | null;
}

const columns = {
  id: s.briefingBooks.id,
  period: s.briefingBooks.period,
  language: s.briefingBooks.language,
  state: s.briefingBooks.state,
  progress: s.briefingBooks.progress,
  requestedBy: s.briefingBooks.requestedBy,
  requestedAt: s.briefingBooks.requestedAt,
  startedAt: s.briefingBooks.startedAt,
  heartbeatAt: s.briefingBooks.heartbeatAt,
  finishedAt: s.briefingBooks.finishedAt,
  dataVersion: s.briefingBooks.dataVersion,
  pages: s.briefingBooks.pages,
  bytes: s.briefingBooks.bytes,
  error: s.briefingBooks.error,
};

/**
 * A preparation whose process has not moved it on for this long was interrupted (the server
 * stopped, or crashed): it is shown as failed and a new request starts again. A running book
 * beats at each step, a few seconds apart; a waiting one while the books before it print.
 */
export const HEARTBEAT_TIMEOUT_MS = 120_000;

const ACTIVE: BriefingState[] = ["queued", "running"];

export function isActive(book: Pick<BriefingBook, "state">): boolean {
  return ACTIVE.includes(book.state);
}

/** Queued or running, and its process still beating at `now`. */
export function isLive(book: Pick<BriefingBook, "state" | "heartbeatAt">, now: Date): boolean {
  return isActive(book) && now.getTime() - Date.parse(book.heartbeatAt) < HEARTBEAT_TIMEOUT_MS;
}

/**
 * What a month's book is built from, as one string: another string later means the book no longer
 * shows the month as it is. The definitions; the approved figures of the month and of every month
 * before it (the book's sparklines, trends and chart read them; later months' figures do not
 * touch it, so entering this month's figures does not date December's book); the month's latest
 * published edition; its commentary; and every plan's history (the book lists each KPI's open
 * plan, whichever month opened it, and every late action). Each part is the last id of an
 * append-only table or the id of a row that never changes. What the clock alone changes (a plan
 * owed turning overdue) does not count: the cover says when the book was prepared.
 */
export function bookDataVersion(db: Db, period: string): string {
  const figures = cachedForFigures(db, `bookFigures:${period}`, () =>
    db.$client
      .prepare(
        "SELECT IFNULL(max(h.id), 0) FROM figure_history h JOIN figures f ON f.id = h.figure_id WHERE f.period <= ?",
      )
      .pluck()
      .get(period),
  );
  const rest = db.$client
    .prepare(
      `SELECT IFNULL((SELECT max(id) FROM editions WHERE period = @period), 0) || ':' ||
              IFNULL((SELECT max(id) FROM commentary WHERE period = @period), 0) || ':' ||
              IFNULL((SELECT max(id) FROM plan_events), 0)`,
    )
    .pluck()
    .get({ period });
  return `${definitionsVersionOf(db) ?? ""}:${String(figures)}:${String(rest)}`;
}

/** The newest row of a month's book in a language, whatever its state. */
export function latestBook(db: Db, period: string, language: Locale): BriefingBook | null {
  return (
    (db
      .select(columns)
      .from(s.briefingBooks)
      .where(and(eq(s.briefingBooks.period, period), eq(s.briefingBooks.language, language)))
      .orderBy(desc(s.briefingBooks.id))
      .limit(1)
      .get() as BriefingBook | undefined) ?? null
  );
}

/** The newest ready book of a month in a language: the one to download. */
export function readyBook(db: Db, period: string, language: Locale): BriefingBook | null {
  return (
    (db
      .select(columns)
      .from(s.briefingBooks)
      .where(and(eq(s.briefingBooks.period, period), eq(s.briefingBooks.language, language), eq(s.briefingBooks.state, "ready")))
      .orderBy(desc(s.briefingBooks.id))
      .limit(1)
      .get() as BriefingBook | undefined) ?? null
  );
}

export function bookById(db: Db, id: number): BriefingBook | null {
  return (db.select(columns).from(s.briefingBooks).where(eq(s.briefingBooks.id, id)).get() as BriefingBook | undefined) ?? null;
}

/** The PDF of a ready book. */
export function bookPdf(db: Db, id: number): Buffer | null {
  return db.select({ pdf: s.briefingBooks.pdf }).from(s.briefingBooks).where(eq(s.briefingBooks.id, id)).get()?.pdf ?? null;
}

/** Books waiting or printing, in every month, whose process still beats. */
export function liveBooks(db: Db, now: Date): BriefingBook[] {
  return (db.select(columns).from(s.briefingBooks).where(inArray(s.briefingBooks.state, ACTIVE)).all() as BriefingBook[]).filter((b) =>
    isLive(b, now),
  );
}

/** Marks books whose process stopped beating as failed: their process is gone. */
export function failInterrupted(db: Db, now: Date): number {
  const before = new Date(now.getTime() - HEARTBEAT_TIMEOUT_MS).toISOString();
  return db
    .update(s.briefingBooks)
    .set({ state: "failed", error: "interrupted: its process stopped before it was ready", finishedAt: now.toISOString() })
    .where(and(inArray(s.briefingBooks.state, ACTIVE), lt(s.briefingBooks.heartbeatAt, before)))
    .run().changes;
}

export function insertBook(db: Db, values: { period: string; language: Locale; requestedBy: string; now: Date }): BriefingBook {
  const at = values.now.toISOString();
  return db
    .insert(s.briefingBooks)
    .values({ period: values.period, language: values.language, state: "queued", requestedBy: values.requestedBy, requestedAt: at, heartbeatAt: at })
    .returning(columns)
    .get() as BriefingBook;
}

/** A step of a preparation: its state and progress, and a beat. */
export function updateBook(
  db: Db,
  id: number,
  values: Partial<Pick<BriefingBook, "state" | "progress" | "startedAt" | "error" | "finishedAt">>,
  now: Date,
): void {
  db.update(s.briefingBooks)
    .set({ ...values, heartbeatAt: now.toISOString() })
    .where(eq(s.briefingBooks.id, id))
    .run();
}

/** Beats for books waiting behind another in this process: they are not interrupted, only waiting. */
export function beat(db: Db, ids: number[], now: Date): void {
  if (ids.length === 0) return;
  db.update(s.briefingBooks)
    .set({ heartbeatAt: now.toISOString() })
    .where(and(inArray(s.briefingBooks.id, ids), inArray(s.briefingBooks.state, ACTIVE)))
    .run();
}

/**
 * A finished book: stored with what it was built from, and every older row of its month and
 * language removed (one ready book is kept of each, and the failures before it say nothing more).
 */
export function completeBook(
  db: Db,
  id: number,
  result: { pdf: Buffer; pages: number; dataVersion: string },
  now: Date,
): void {
  db.transaction((tx) => {
    const row = tx.select({ period: s.briefingBooks.period, language: s.briefingBooks.language }).from(s.briefingBooks).where(eq(s.briefingBooks.id, id)).get();
    if (!row) return;
    tx.update(s.briefingBooks)
      .set({
        state: "ready",
        progress: 100,
        pdf: result.pdf,
        pages: result.pages,
        bytes: result.pdf.length,
        dataVersion: result.dataVersion,
        finishedAt: now.toISOString(),
        heartbeatAt: now.toISOString(),
        error: null,
      })
      .where(eq(s.briefingBooks.id, id))
      .run();
    tx.delete(s.briefingBooks)
      .where(
        and(
          eq(s.briefingBooks.period, row.period),
          eq(s.briefingBooks.language, row.language),
          lt(s.briefingBooks.id, id),
          inArray(s.briefingBooks.state, ["ready", "failed"]),
        ),
      )
      .run();
  });
}

/** A failed preparation; an older ready book of the month stays downloadable. Older failures go. */
export function failBook(db: Db, id: number, error: string, now: Date): void {
  db.transaction((tx) => {
    const row = tx.select({ period: s.briefingBooks.period, language: s.briefingBooks.language }).from(s.briefingBooks).where(eq(s.briefingBooks.id, id)).get();
    if (!row) return;
    tx.update(s.briefingBooks)
      .set({ state: "failed", error: error.slice(0, 2000), finishedAt: now.toISOString(), heartbeatAt: now.toISOString() })
      .where(eq(s.briefingBooks.id, id))
      .run();
    tx.delete(s.briefingBooks)
      .where(and(eq(s.briefingBooks.period, row.period), eq(s.briefingBooks.language, row.language), lt(s.briefingBooks.id, id), eq(s.briefingBooks.state, "failed")))
      .run();
  });
}

/** Whether a month has any approved figure: a month without one has no book worth printing. */
export function hasApprovedFigures(db: Db, period: string): boolean {
  return db.$client.prepare("SELECT 1 FROM figures WHERE period = ? AND status = 'approved' LIMIT 1").pluck().get(period) !== undefined;
}
