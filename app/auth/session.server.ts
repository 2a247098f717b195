// Sessions live in the database; the cookie holds a random token whose hash is the session id.
// Logging out or disabling a user ends their sessions at once, because every request looks up.
import { addHours } from "date-fns/addHours";
import { differenceInMinutes } from "date-fns/differenceInMinutes";
import { differenceInSeconds } from "date-fns/differenceInSeconds";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { Role } from "../../db/schema";
import { statement } from "../utils/statements.server";
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

/** Every request's first question: whose open session is this (sessions and users as the schema names them). */
const SESSION_LOOKUP = `SELECT s.last_seen_at, s.expires_at, u.id, u.email, u.name, u.role, u.entity_code,
    u.must_change_password, u.disabled_at
  FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = ? AND s.ended_at IS NULL`;

interface SessionRow {
  last_seen_at: string;
  expires_at: string;
  id: number;
  email: string;
  name: string;
  role: Role;
  entity_code: string | null;
  must_change_password: number;
  disabled_at: string | null;
}

/** The signed-in user of a request, or null when there is none or the session has lapsed. */
export function sessionUser(db: Db, request: Request, now: Date): SessionUser | null {
  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return null;
  const id = hashToken(token);
  const found = statement(db, SESSION_LOOKUP).get(id) as SessionRow | undefined;
  if (!found) return null;
  const session = { lastSeenAt: found.last_seen_at, expiresAt: found.expires_at };
  const user = {
    id: found.id,
    email: found.email,
    name: found.name,
    role: found.role,
    entityCode: found.entity_code,
    mustChangePassword: found.must_change_password === 1,
    disabledAt: found.disabled_at,
  };
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
