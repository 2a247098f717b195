// Accounts, the sign-in trail and the lock-out rules read from it.
import { addMinutes } from "date-fns/addMinutes";
import { addSeconds } from "date-fns/addSeconds";
import { differenceInMilliseconds } from "date-fns/differenceInMilliseconds";
import { subMinutes } from "date-fns/subMinutes";
import { subSeconds } from "date-fns/subSeconds";
import { and, desc, eq, gt, inArray, isNull, max, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { AuthEvent, Role } from "../../db/schema";

export type User = typeof s.users.$inferSelect;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findUserByEmail(db: Db, email: string): User | undefined {
  return db.select().from(s.users).where(eq(s.users.email, normaliseEmail(email))).get();
}

export function getUser(db: Db, id: number): User | undefined {
  return db.select().from(s.users).where(eq(s.users.id, id)).get();
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  entityCode: string | null;
  passwordHash: string;
  /** True when someone other than its owner chose the password. */
  mustChangePassword?: boolean;
}

export function createUser(db: Db, user: NewUser, actor: string, now: Date): User {
  return db.transaction((tx) => {
    const created = tx
      .insert(s.users)
      .values({
        ...user,
        email: normaliseEmail(user.email),
        entityCode: user.role === "focal-point" ? user.entityCode : null,
        createdAt: now.toISOString(),
        createdBy: actor,
      })
      .returning()
      .get();
    tx.insert(s.authEvents)
      .values({ at: now.toISOString(), kind: "user-created", email: created.email, userId: created.id, actor })
      .run();
    return created;
  });
}

export function recordAuthEvent(
  db: Db,
  event: { kind: AuthEvent; email: string; userId?: number | null; ip?: string | null; actor?: string | null },
  now: Date,
): void {
  db.insert(s.authEvents)
    .values({
      at: now.toISOString(),
      kind: event.kind,
      email: normaliseEmail(event.email).slice(0, 320),
      userId: event.userId ?? null,
      ip: event.ip ?? null,
      actor: event.actor ?? null,
    })
    .run();
}

/** Failures in this window count towards slowing down and locking out. */
export const LOCKOUT_WINDOW_MINUTES = 15;
/** From this many failures for an account, or from an address, each answer is slowed down. */
export const SLOWDOWN_AFTER_ACCOUNT = 3;
export const SLOWDOWN_AFTER_ADDRESS = 10;
/** This many failures for one account, or from one address, lock sign-in for the window. */
export const LOCKOUT_AFTER_ACCOUNT = 5;
export const LOCKOUT_AFTER_ADDRESS = 20;
/** Attempts at one account this close together, a wrong password among them, are one burst. */
export const BURST_SECONDS = 10;

export interface Throttle {
  /** How many failures past the slow-down threshold (0: answer at once). */
  slowdownSteps: number;
  locked: boolean;
  /** Seconds until the oldest failure leaves the window, when locked. */
  retryAfterSeconds: number;
}

/**
 * Recent failures for an account and for an address, in the window. A successful sign-in does
 * not clear them: attempts sent together are claimed before any is checked, and a success among
 * them would otherwise open the way for five more guesses, and five more after the next.
 *
 * Attempts that arrive together are held to five as well, whatever their outcome: a burst that
 * contains the right password would otherwise free a slot the moment that one is settled, and a
 * sixth guess would get through. A burst is attempts at one account within BURST_SECONDS with a
 * wrong password among them; sign-ins alone (someone on three devices) never count.
 */
export function loginThrottle(db: Db, email: string, ip: string | null, now: Date): Throttle {
  const windowStart = subMinutes(now, LOCKOUT_WINDOW_MINUTES).toISOString();
  const address = normaliseEmail(email);
  const since = windowStart;
  const accountEvents = db
    .select({ at: s.authEvents.at, kind: s.authEvents.kind })
    .from(s.authEvents)
    .where(and(eq(s.authEvents.email, address), inArray(s.authEvents.kind, ["failure", "sign-in"]), gt(s.authEvents.at, since)))
    .orderBy(s.authEvents.at, s.authEvents.id)
    .all();
  const accountFailures = accountEvents.filter((e) => e.kind === "failure");
  const burstStart = subSeconds(now, BURST_SECONDS).toISOString();
  const burst = accountEvents.filter((e) => e.at > burstStart);
  const inBurst = burst.length >= LOCKOUT_AFTER_ACCOUNT && burst.some((e) => e.kind === "failure");
  const addressFailures = ip
    ? db
        .select({ at: s.authEvents.at })
        .from(s.authEvents)
        .where(and(eq(s.authEvents.ip, ip), eq(s.authEvents.kind, "failure"), gt(s.authEvents.at, windowStart)))
        .orderBy(s.authEvents.at)
        .all()
    : [];
  const lockedBy =
    accountFailures.length >= LOCKOUT_AFTER_ACCOUNT
      ? accountFailures.at(-LOCKOUT_AFTER_ACCOUNT)
      : addressFailures.length >= LOCKOUT_AFTER_ADDRESS
        ? addressFailures.at(-LOCKOUT_AFTER_ADDRESS)
        : undefined;
  const retryAt = lockedBy
    ? addMinutes(new Date(lockedBy.at), LOCKOUT_WINDOW_MINUTES)
    : inBurst
      ? addSeconds(new Date(burst.at(-LOCKOUT_AFTER_ACCOUNT)!.at), BURST_SECONDS)
      : now;
  const locked = lockedBy !== undefined || inBurst;
  return {
    slowdownSteps: Math.max(
      0,
      accountFailures.length - SLOWDOWN_AFTER_ACCOUNT + 1,
      addressFailures.length - SLOWDOWN_AFTER_ADDRESS + 1,
    ),
    locked,
    retryAfterSeconds: locked ? Math.max(1, Math.ceil(differenceInMilliseconds(retryAt, now) / 1000)) : 0,
  };
}

export type LoginAttempt = { locked: true; throttle: Throttle } | { locked: false; throttle: Throttle; attemptId: number };

/**
 * Reads the throttle and, unless locked, records this attempt as a failure in one write
 * transaction, before the password is hashed. Attempts that arrive together therefore count
 * against each other: a burst of 41 guesses gets 5 hashed, not 41. BEGIN IMMEDIATE makes it hold
 * across server processes too. settleLoginAttempt turns the row into a sign-in when it succeeds.
 */
export function claimLoginAttempt(db: Db, email: string, ip: string | null, now: Date): LoginAttempt {
  return db.transaction(
    (tx) => {
      const throttle = loginThrottle(tx as unknown as Db, email, ip, now);
      if (throttle.locked) {
        tx.insert(s.authEvents)
          .values({ at: now.toISOString(), kind: "lock-out", email: normaliseEmail(email).slice(0, 320), ip })
          .run();
        return { locked: true as const, throttle };
      }
      const row = tx
        .insert(s.authEvents)
        .values({ at: now.toISOString(), kind: "failure", email: normaliseEmail(email).slice(0, 320), ip })
        .returning({ id: s.authEvents.id })
        .get();
      return { locked: false as const, throttle, attemptId: row.id };
    },
    { behavior: "immediate" },
  );
}

/** The outcome of a claimed attempt: a sign-in replaces the provisional failure. */
export function settleLoginAttempt(db: Db, attemptId: number, outcome: { signedIn: boolean; userId: number | null }): void {
  db.update(s.authEvents)
    .set({ kind: outcome.signedIn ? "sign-in" : "failure", userId: outcome.userId })
    .where(eq(s.authEvents.id, attemptId))
    .run();
}

export interface UserListing extends Omit<User, "passwordHash"> {
  lastSignIn: string | null;
}

export function listUsers(db: Db): UserListing[] {
  const lastSignIns = new Map(
    db
      .select({ userId: s.authEvents.userId, at: max(s.authEvents.at) })
      .from(s.authEvents)
      .where(eq(s.authEvents.kind, "sign-in"))
      .groupBy(s.authEvents.userId)
      .all()
      .map((r) => [r.userId, r.at]),
  );
  return db
    .select()
    .from(s.users)
    .orderBy(s.users.role, s.users.email)
    .all()
    .map(({ passwordHash: _hash, ...user }) => ({ ...user, lastSignIn: lastSignIns.get(user.id) ?? null }));
}

export function recentAuthEvents(db: Db, limit = 50, userId?: number) {
  return db
    .select()
    .from(s.authEvents)
    .where(userId === undefined ? undefined : eq(s.authEvents.userId, userId))
    .orderBy(desc(s.authEvents.id))
    .limit(limit)
    .all();
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Ends a user's open sessions and revokes their API tokens: nothing obtained before still works. */
function endAccess(tx: Tx, userId: number, now: Date): void {
  tx.update(s.sessions)
    .set({ endedAt: now.toISOString() })
    .where(and(eq(s.sessions.userId, userId), isNull(s.sessions.endedAt)))
    .run();
  tx.update(s.apiTokens)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(s.apiTokens.userId, userId), isNull(s.apiTokens.revokedAt)))
    .run();
}

export function setUserDisabled(db: Db, userId: number, disabled: boolean, actor: string, now: Date): void {
  db.transaction((tx) => {
    const user = tx.select().from(s.users).where(eq(s.users.id, userId)).get();
    if (!user) return;
    tx.update(s.users)
      .set({ disabledAt: disabled ? now.toISOString() : null })
      .where(eq(s.users.id, userId))
      .run();
    // Disabling cuts off every way in: sessions and API tokens. Re-enabling restores neither.
    if (disabled) endAccess(tx, userId, now);
    tx.insert(s.authEvents)
      .values({
        at: now.toISOString(),
        kind: disabled ? "user-disabled" : "user-enabled",
        email: user.email,
        userId,
        actor,
      })
      .run();
  });
}

export function setUserPassword(db: Db, userId: number, passwordHash: string, actor: string, now: Date): void {
  db.transaction((tx) => {
    const user = tx.select().from(s.users).where(eq(s.users.id, userId)).get();
    if (!user) return;
    // The administrator knows this password: its owner must choose their own at next sign-in.
    tx.update(s.users).set({ passwordHash, mustChangePassword: true }).where(eq(s.users.id, userId)).run();
    // A reset password ends every session and API token obtained with the old one.
    endAccess(tx, userId, now);
    tx.insert(s.authEvents)
      .values({ at: now.toISOString(), kind: "password-reset", email: user.email, userId, actor })
      .run();
  });
}

/**
 * A person changes their own password: the new hash, no more obligation to change it, and every
 * other session ended (a session someone else opened with the old password ends here). The
 * session they are using stays, as do their API tokens: they proved they know the password.
 */
export function changeOwnPassword(db: Db, userId: number, passwordHash: string, keepSessionId: string, now: Date): void {
  db.transaction((tx) => {
    const user = tx.select().from(s.users).where(eq(s.users.id, userId)).get();
    if (!user) return;
    tx.update(s.users).set({ passwordHash, mustChangePassword: false }).where(eq(s.users.id, userId)).run();
    tx.update(s.sessions)
      .set({ endedAt: now.toISOString() })
      .where(and(eq(s.sessions.userId, userId), isNull(s.sessions.endedAt), ne(s.sessions.id, keepSessionId)))
      .run();
    tx.insert(s.authEvents)
      .values({ at: now.toISOString(), kind: "password-changed", email: user.email, userId, actor: user.email })
      .run();
  });
}

export function countUsers(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(s.users).get()?.n ?? 0;
}
