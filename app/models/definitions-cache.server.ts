// Definitions change only through `kpi sync`, which stamps a new definitions version; every page
// and report reads them. Keeping the parsed catalogue per database and version turns eight
// queries and their mapping into one lookup, and a sync (from any process) invalidates it.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";

const caches = new WeakMap<Db, { version: string; values: Map<string, unknown> }>();

export function definitionsVersionOf(db: Db): string | null {
  return (
    db
      .select({ value: s.meta.value })
      .from(s.meta)
      .where(eq(s.meta.key, "definitions_version"))
      .get()?.value ?? null
  );
}

/** `compute()` once per definitions version; callers must treat the result as read-only. */
export function cachedForDefinitions<T>(db: Db, key: string, compute: () => T): T {
  const version = definitionsVersionOf(db);
  // Nothing synced yet: nothing stable to key on.
  if (version === null) return compute();
  let cache = caches.get(db);
  if (!cache || cache.version !== version) {
    cache = { version, values: new Map() };
    caches.set(db, cache);
  }
  if (!cache.values.has(key)) cache.values.set(key, compute());
  return cache.values.get(key) as T;
}

const FIGURES_CACHE_SIZE = 32;
const figureCaches = new WeakMap<Db, Map<string, unknown>>();
const versionStatements = new WeakMap<Db, { get: () => unknown }>();

/**
 * What every computation from figures depends on: the definitions' version and the last entry
 * of the figures' history. Every change to a figure (entry, upload, import, review, lock, reopen)
 * appends to that append-only history in the same transaction, from whichever process makes
 * it, so its last id moves exactly when a report could change. One indexed read of microseconds.
 */
export function figuresVersionOf(db: Db): string {
  let statement = versionStatements.get(db);
  if (!statement) {
    statement = db.$client
      .prepare(
        "SELECT IFNULL((SELECT value FROM meta WHERE key = 'definitions_version'), '') || ':' || IFNULL((SELECT max(id) FROM figure_history), 0)",
      )
      .pluck();
    versionStatements.set(db, statement);
  }
  return String(statement.get());
}

/**
 * `compute()` once per definitions and figures version (a month's report, the months with
 * figures), for the last few keys asked; callers must treat the result as read-only.
 */
export function cachedForFigures<T>(db: Db, key: string, compute: () => T): T {
  const versioned = `${figuresVersionOf(db)}|${key}`;
  let cache = figureCaches.get(db);
  if (!cache) figureCaches.set(db, (cache = new Map()));
  if (cache.has(versioned)) {
    // Most recently used last: the first key is the one to drop.
    const value = cache.get(versioned) as T;
    cache.delete(versioned);
    cache.set(versioned, value);
    return value;
  }
  const value = compute();
  cache.set(versioned, value);
  while (cache.size > FIGURES_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return value;
}
