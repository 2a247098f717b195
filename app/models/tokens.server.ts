// Personal access tokens for the read API. The token is shown once, when created; the database
// keeps only its SHA-256, so a copy of the database holds no usable token. Its first characters
// are kept as a prefix, so a person can tell their tokens apart.
import { differenceInSeconds } from "date-fns/differenceInSeconds";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { Role } from "../../db/schema";

export const TOKEN_PREFIX = "kpi_";
/** "kpi_" and 32 random bytes in base64url (43 characters, no padding). */
export const TOKEN_PATTERN = /^kpi_[A-Za-z0-9_-]{43}$/;
/** Enough of the token to recognise it, far too little to guess the rest. */
export const PREFIX_LENGTH = 12;
/** lastUsedAt is written at most this often, not on every request. */
const TOUCH_SECONDS = 60;

export type ApiToken = typeof s.apiTokens.$inferSelect;
/** What a listing shows: never the hash. */
export type TokenListing = Omit<ApiToken, "tokenHash" | "userId">;

export interface TokenOwner {
  id: number;
  email: string;
  role: Role;
  entityCode: string | null;
  tokenId: number;
}

export const hashApiToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function createToken(db: Db, userId: number, name: string, now: Date): { token: string; row: TokenListing } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const { tokenHash: _hash, userId: _user, ...row } = db
    .insert(s.apiTokens)
    .values({
      userId,
      name,
      tokenHash: hashApiToken(token),
      prefix: token.slice(0, PREFIX_LENGTH),
      createdAt: now.toISOString(),
    })
    .returning()
    .get();
  return { token, row };
}

/** A person's tokens, newest first, revoked ones included (they say what was cut off, and when). */
export function listTokens(db: Db, userId: number): TokenListing[] {
  return db
    .select({
      id: s.apiTokens.id,
      name: s.apiTokens.name,
      prefix: s.apiTokens.prefix,
      createdAt: s.apiTokens.createdAt,
      lastUsedAt: s.apiTokens.lastUsedAt,
      revokedAt: s.apiTokens.revokedAt,
    })
    .from(s.apiTokens)
    .where(eq(s.apiTokens.userId, userId))
    .orderBy(desc(s.apiTokens.id))
    .all();
}

/**
 * Revokes one of the person's own tokens. False when it is not theirs (or does not exist), so
 * nobody can revoke, or learn of, another person's token; revoking twice keeps the first time.
 */
export function revokeToken(db: Db, userId: number, tokenId: number, now: Date): boolean {
  return db.transaction((tx) => {
    const found = tx
      .select({ revokedAt: s.apiTokens.revokedAt })
      .from(s.apiTokens)
      .where(and(eq(s.apiTokens.id, tokenId), eq(s.apiTokens.userId, userId)))
      .get();
    if (!found) return false;
    if (found.revokedAt === null) {
      tx.update(s.apiTokens).set({ revokedAt: now.toISOString() }).where(eq(s.apiTokens.id, tokenId)).run();
    }
    return true;
  });
}

/**
 * The owner of a live token, with their role and entity as they are now (a role changed since the
 * token was made is the role that counts); null for a malformed, unknown or revoked token or a
 * disabled owner.
 */
export function userForToken(db: Db, token: string, now: Date): TokenOwner | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  const found = db
    .select({ token: s.apiTokens, user: s.users })
    .from(s.apiTokens)
    .innerJoin(s.users, eq(s.users.id, s.apiTokens.userId))
    .where(and(eq(s.apiTokens.tokenHash, hashApiToken(token)), isNull(s.apiTokens.revokedAt)))
    .get();
  if (!found || found.user.disabledAt !== null) return null;
  const { token: row, user } = found;
  if (row.lastUsedAt === null || differenceInSeconds(now, new Date(row.lastUsedAt)) >= TOUCH_SECONDS) {
    db.update(s.apiTokens).set({ lastUsedAt: now.toISOString() }).where(eq(s.apiTokens.id, row.id)).run();
  }
  return { id: user.id, email: user.email, role: user.role, entityCode: user.entityCode, tokenId: row.id };
}
