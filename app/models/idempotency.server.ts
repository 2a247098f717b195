// Idempotency keys for the API's writes: a client that did not hear the answer (a timeout, a
// dropped connection) sends the same request again with the same `Idempotency-Key` and gets the
// first answer back instead of a second write. Kept a day; only answers that wrote (or would
// have) are kept: a refused request wrote nothing, so sending it again is already safe.
import { subHours } from "date-fns/subHours";
import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";

export const IDEMPOTENCY_TTL_HOURS = 24;
/** Printable ASCII without spaces, 1 to 200 characters: room for a UUID or a job name and date. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,200}$/;

export interface ApiAnswer {
  status: number;
  /** The answer's JSON text. */
  body: string;
}

export type IdempotentResult =
  | { kind: "answered"; answer: ApiAnswer }
  | { kind: "replayed"; answer: ApiAnswer }
  | { kind: "mismatch"; firstAt: string };

/** What makes two requests the same request: method, path and query, content type and body. */
export function requestHash(parts: { method: string; url: string; contentType: string; body: Uint8Array }): string {
  const url = new URL(parts.url);
  return createHash("sha256")
    .update(`${parts.method}\n${url.pathname}${url.search}\n${parts.contentType}\n`)
    .update(parts.body)
    .digest("hex");
}

/**
 * Runs `run` once per (user, key): inside one write transaction the key is looked up, the work
 * done and its answer stored, so two copies of a request arriving together cannot both write.
 * The same key with another request is a mismatch, and nothing runs.
 */
export function idempotently(
  db: Db,
  args: { userId: number; tokenId: number; key: string; requestHash: string; now: Date },
  run: () => ApiAnswer & { keep: boolean },
): IdempotentResult {
  return db.transaction((tx) => {
    // Expired keys go first, so that a key older than a day is free to be used again.
    const cutoff = subHours(args.now, IDEMPOTENCY_TTL_HOURS).toISOString();
    tx.delete(s.idempotencyKeys).where(lt(s.idempotencyKeys.createdAt, cutoff)).run();
    const found = tx
      .select()
      .from(s.idempotencyKeys)
      .where(and(eq(s.idempotencyKeys.userId, args.userId), eq(s.idempotencyKeys.key, args.key)))
      .get();
    if (found) {
      if (found.requestHash !== args.requestHash) return { kind: "mismatch" as const, firstAt: found.createdAt };
      return { kind: "replayed" as const, answer: { status: found.status, body: found.response } };
    }
    const { keep, ...answer } = run();
    if (keep) {
      tx.insert(s.idempotencyKeys)
        .values({
          userId: args.userId,
          tokenId: args.tokenId,
          key: args.key,
          requestHash: args.requestHash,
          status: answer.status,
          response: answer.body,
          createdAt: args.now.toISOString(),
        })
        .run();
    }
    return { kind: "answered" as const, answer };
  });
}
