// Sessions live in the database; the cookie holds a random token whose hash is the session id.
// Logging out or disabling a user ends their sessions at once, because every request looks up.
import { addHours, differenceInMinutes, differenceInSeconds } from "date-fns";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { Role } from "../../db/schema";
import { readCookie, serializeCookie } from "./cookies.server";

export const SESSION_COOKIE = "sid";
/** Signed out after this long without a request… */
export const IDLE_MINUTES = 60;
/** …and after this long whatever the activity. */
export const ABSOLUTE_HOURS = 12;
/** lastSeenAt is written at most this often, not on every request. */
const TOUCH_SECONDS = 60;

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  entityCode: string | null;
  sessionId: string;
  /** Someone else chose the password: nothing but choosing a new one until it is changed. */
  mustChangePassword: boolean;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function createSession(db: Db, userId: number, now: Date): { token: string; expiresAt: string } {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = addHours(now, ABSOLUTE_HOURS).toISOString();
  db.insert(s.sessions)
    .values({ id: hashToken(token), userId, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt })
    .run();
  return { token, expiresAt };
}

export function sessionCookie(request: Request, token: string): string {
  return serializeCookie(SESSION_COOKIE, token, request, { maxAgeSeconds: ABSOLUTE_HOURS * 3600 });
}

export function clearSessionCookie(request: Request): string {
  return serializeCookie(SESSION_COOKIE, "", request, { maxAgeSeconds: 0 });
}

/** The signed-in user of a request, or null when there is none or the session has lapsed. */
export function sessionUser(db: Db, request: Request, now: Date): SessionUser | null {
  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return null;
  const id = hashToken(token);
  const found = db
    .select({ session: s.sessions, user: s.users })
    .from(s.sessions)
    .innerJoin(s.users, eq(s.users.id, s.sessions.userId))
    .where(and(eq(s.sessions.id, id), isNull(s.sessions.endedAt)))
    .get();
  if (!found) return null;
  const { session, user } = found;
  const idleSince = new Date(session.lastSeenAt);
  const lapsed =
    user.disabledAt !== null ||
    now >= new Date(session.expiresAt) ||
    differenceInMinutes(now, idleSince) >= IDLE_MINUTES;
  if (lapsed) {
    db.update(s.sessions).set({ endedAt: now.toISOString() }).where(eq(s.sessions.id, id)).run();
    return null;
  }
  if (differenceInSeconds(now, idleSince) >= TOUCH_SECONDS) {
    db.update(s.sessions).set({ lastSeenAt: now.toISOString() }).where(eq(s.sessions.id, id)).run();
  }
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    entityCode: user.entityCode,
    sessionId: id,
    mustChangePassword: user.mustChangePassword,
  };
}

export function endSession(db: Db, sessionId: string, now: Date): void {
  db.update(s.sessions).set({ endedAt: now.toISOString() }).where(eq(s.sessions.id, sessionId)).run();
}

/** Ends every open session of a user: on disabling them or resetting their password. */
export function endUserSessions(db: Db, userId: number, now: Date): void {
  db.update(s.sessions)
    .set({ endedAt: now.toISOString() })
    .where(and(eq(s.sessions.userId, userId), isNull(s.sessions.endedAt)))
    .run();
}
