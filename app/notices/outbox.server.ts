// The outbox: notices written once (their key is unique), read in each person's inbox, and
// e-mailed by a sender that claims a few at a time, so that two processes never send the same one.
import { addMinutes } from "date-fns/addMinutes";
import { and, count, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { MailState, NoticeKind } from "../../db/schema";
import { statement } from "../utils/statements.server";
import type { Notice, NoticeParams } from "./kinds";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** A notice to write: for whom, about what, and its key (what makes it the same notice). */
export interface NoticeDraft<K extends NoticeKind = NoticeKind> {
  key: string;
  kind: K;
  userId: number;
  entityCode: string | null;
  period: string | null;
  params: NoticeParams[K];
}

/** The key of a notice: its kind and the parts that make it this notice, e.g. reminder|5|12|DM|2026-10. */
export const noticeKey = (kind: NoticeKind, ...parts: Array<string | number | null>) =>
  [kind, ...parts.map((p) => p ?? "")].join("|");

/** Kinds a person gets by e-mail unless they say otherwise: all of them. */
export function wantsEmail(db: Db | Tx, userId: number, kind: NoticeKind): boolean {
  const row = db
    .select({ email: s.noticePreferences.email })
    .from(s.noticePreferences)
    .where(and(eq(s.noticePreferences.userId, userId), eq(s.noticePreferences.kind, kind)))
    .get();
  return row?.email ?? true;
}

/**
 * Writes the notices not written before (by key), in the caller's transaction when there is one,
 * and returns those it wrote. Whether each is e-mailed is decided now, by its person's choice.
 */
export function queueNotices(db: Db | Tx, drafts: NoticeDraft[], now: Date): NoticeDraft[] {
  const written: NoticeDraft[] = [];
  for (const draft of drafts) {
    const result = db
      .insert(s.notices)
      .values({
        key: draft.key,
        kind: draft.kind,
        userId: draft.userId,
        entityCode: draft.entityCode,
        period: draft.period,
        params: JSON.stringify(draft.params),
        createdAt: now.toISOString(),
        mail: wantsEmail(db, draft.userId, draft.kind) ? "pending" : "inbox",
        nextAttemptAt: now.toISOString(),
      })
      .onConflictDoNothing({ target: s.notices.key })
      .run();
    if (result.changes > 0) written.push(draft);
  }
  return written;
}

/** Which of these keys are already written: what a dry run would not queue again. */
export function existingKeys(db: Db, keys: string[]): Set<string> {
  const found = new Set<string>();
  // SQLite's limit on bound parameters, with room to spare.
  for (let i = 0; i < keys.length; i += 500) {
    const rows = db
      .select({ key: s.notices.key })
      .from(s.notices)
      .where(inArray(s.notices.key, keys.slice(i, i + 500)))
      .all();
    for (const r of rows) found.add(r.key);
  }
  return found;
}

type NoticeRow = typeof s.notices.$inferSelect;

export function toNotice(row: NoticeRow): Notice {
  return {
    id: row.id,
    kind: row.kind,
    entityCode: row.entityCode,
    period: row.period,
    params: JSON.parse(row.params) as Notice["params"],
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}

/** A page of a person's notices, newest first. */
export function inboxOf(db: Db, userId: number, { limit = 50, before }: { limit?: number; before?: number } = {}) {
  const rows = db
    .select()
    .from(s.notices)
    .where(and(eq(s.notices.userId, userId), before === undefined ? undefined : lt(s.notices.id, before)))
    .orderBy(desc(s.notices.id))
    .limit(limit + 1)
    .all();
  return { notices: rows.slice(0, limit).map(toNotice), more: rows.length > limit };
}

/** The header's count, asked on every page: a statement prepared once. */
export function unreadCount(db: Db, userId: number): number {
  const row = statement(db, "SELECT count(*) AS n FROM notices WHERE user_id = ? AND read_at IS NULL").get(userId) as { n: number };
  return row.n;
}

/** Marks one of the person's notices read (ids of other people's notices change nothing), or all. */
export function markRead(db: Db, userId: number, which: number | "all", now: Date): number {
  return db
    .update(s.notices)
    .set({ readAt: now.toISOString() })
    .where(
      and(
        eq(s.notices.userId, userId),
        isNull(s.notices.readAt),
        which === "all" ? undefined : eq(s.notices.id, which),
      ),
    )
    .run().changes;
}

/** A person's choice for every kind: true for e-mail and inbox, false for the inbox only. */
export function preferencesOf(db: Db, userId: number): Record<NoticeKind, boolean> {
  const rows = db.select().from(s.noticePreferences).where(eq(s.noticePreferences.userId, userId)).all();
  const chosen = new Map(rows.map((r) => [r.kind, r.email]));
  return Object.fromEntries(s.NOTICE_KINDS.map((k) => [k, chosen.get(k) ?? true])) as Record<NoticeKind, boolean>;
}

export function savePreferences(
  db: Db,
  userId: number,
  choice: { email: Record<NoticeKind, boolean>; locale: "en" | "ar" },
): void {
  db.transaction((tx) => {
    for (const kind of s.NOTICE_KINDS) {
      tx.insert(s.noticePreferences)
        .values({ userId, kind, email: choice.email[kind] })
        .onConflictDoUpdate({ target: [s.noticePreferences.userId, s.noticePreferences.kind], set: { email: choice.email[kind] } })
        .run();
    }
    tx.update(s.users).set({ locale: choice.locale }).where(eq(s.users.id, userId)).run();
  });
}

/** The outbox for an administrator: every notice's e-mail, newest first, by state when asked. */
export function outboxPage(db: Db, { state, limit = 100 }: { state?: MailState; limit?: number } = {}) {
  const rows = db
    .select({ notice: s.notices, email: s.users.email, name: s.users.name, locale: s.users.locale })
    .from(s.notices)
    .innerJoin(s.users, eq(s.users.id, s.notices.userId))
    .where(state ? eq(s.notices.mail, state) : undefined)
    .orderBy(desc(s.notices.id))
    .limit(limit)
    .all();
  const counts = Object.fromEntries(
    db
      .select({ mail: s.notices.mail, n: count() })
      .from(s.notices)
      .groupBy(s.notices.mail)
      .all()
      .map((r) => [r.mail, r.n]),
  ) as Partial<Record<MailState, number>>;
  return {
    counts,
    rows: rows.map((r) => ({
      ...toNotice(r.notice),
      to: { email: r.email, name: r.name, locale: r.locale },
      mail: r.notice.mail,
      attempts: r.notice.attempts,
      nextAttemptAt: r.notice.nextAttemptAt,
      lastError: r.notice.lastError,
      sentAt: r.notice.sentAt,
    })),
  };
}

/** How long a sender may hold a notice before another may take it: a dead sender's claim ends. */
export const CLAIM_MINUTES = 5;

export interface ClaimedNotice extends Notice {
  key: string;
  attempts: number;
  to: { id: number; email: string; name: string; locale: "en" | "ar"; role: s.Role; entityCode: string | null; disabled: boolean };
}

/**
 * Claims up to `limit` notices whose e-mail is due, for `sender`, in one statement: a second
 * process claiming at the same moment gets others or none.
 */
export function claimDue(db: Db, sender: string, now: Date, limit = 20): ClaimedNotice[] {
  const at = now.toISOString();
  const until = addMinutes(now, CLAIM_MINUTES).toISOString();
  const claimed = db.$client
    .prepare(
      `UPDATE notices SET claimed_by = ?, claimed_until = ?
       WHERE id IN (
         SELECT id FROM notices
         WHERE mail = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
           AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY id LIMIT ?)
       RETURNING id`,
    )
    .all(sender, until, at, at, limit) as Array<{ id: number }>;
  if (claimed.length === 0) return [];
  const rows = db
    .select({ notice: s.notices, user: s.users })
    .from(s.notices)
    .innerJoin(s.users, eq(s.users.id, s.notices.userId))
    .where(inArray(s.notices.id, claimed.map((c) => c.id)))
    .orderBy(s.notices.id)
    .all();
  return rows.map(({ notice, user }) => ({
    ...toNotice(notice),
    key: notice.key,
    attempts: notice.attempts,
    to: {
      id: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale,
      role: user.role,
      entityCode: user.entityCode,
      disabled: user.disabledAt !== null,
    },
  }));
}

/** Minutes to wait after the nth failed attempt; after the last, the notice is given up. */
export const RETRY_MINUTES = [1, 5, 15, 60, 240, 720];

/** Records what became of a claimed notice's e-mail; only the sender holding it may. */
export function recordDelivery(
  db: Db,
  id: number,
  sender: string,
  outcome: { sent: true } | { sent: false; error: string; giveUp?: boolean } | { state: "no-server" },
  now: Date,
): void {
  const mine = and(eq(s.notices.id, id), eq(s.notices.claimedBy, sender));
  const release = { claimedBy: null, claimedUntil: null };
  if ("state" in outcome) {
    db.update(s.notices).set({ ...release, mail: outcome.state }).where(mine).run();
    return;
  }
  if (outcome.sent) {
    db.update(s.notices)
      .set({ ...release, mail: "sent", sentAt: now.toISOString(), lastError: null })
      .where(mine)
      .run();
    return;
  }
  db.transaction((tx) => {
    const row = tx.select({ attempts: s.notices.attempts }).from(s.notices).where(mine).get();
    if (!row) return;
    const attempts = row.attempts + 1;
    const giveUp = outcome.giveUp || attempts > RETRY_MINUTES.length;
    tx.update(s.notices)
      .set({
        ...release,
        attempts,
        lastError: outcome.error.slice(0, 500),
        mail: giveUp ? "failed" : "pending",
        nextAttemptAt: giveUp ? null : addMinutes(now, RETRY_MINUTES[attempts - 1]).toISOString(),
      })
      .where(mine)
      .run();
  });
}
