// Definitions change only through `kpi sync`, which stamps a new definitions version; every page
// and report reads them. Keeping the parsed catalogue per database and version turns eight
// queries and their mapping into one lookup, and a sync (from any process) invalidates it.
import type { Db } from "../../db/index";
import { readValue } from "../utils/statements.server";

const caches = new WeakMap<Db, { version: string; values: Map<string, unknown> }>();

/** The version `kpi sync` stamped; null before the first sync. */
export function definitionsVersionOf(db: Db): string | null {
  const value = readValue(db, "SELECT value FROM meta WHERE key = 'definitions_version'");
  return value === undefined || value === null ? null : String(value);
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
/** Per database: the figures version its entries were computed for, and the entries by key. */
const figureCaches = new WeakMap<Db, { version: string; entries: Map<string, { stamp: string; value: unknown }> }>();

/**
 * What every computation from figures depends on: the definitions' version and the last entry
 * of the figures' history. Every change to a figure (entry, upload, import, review, lock, reopen)
 * appends to that append-only history in the same transaction, from whichever process makes
 * it, so its last id moves exactly when a report could change. One indexed read of microseconds.
 */
export function figuresVersionOf(db: Db): string {
  return String(
    readValue(
      db,
      "SELECT IFNULL((SELECT value FROM meta WHERE key = 'definitions_version'), '') || ':' || IFNULL((SELECT max(id) FROM figure_history), 0)",
    ),
  );
}

/**
 * `compute()` once per definitions and figures version (a month's report, the months with
 * figures), for the last few keys asked; callers must treat the result as read-only.
 *
 * `stamp` is for what also depends on the clock (timeliness, overdue plans: the minute): an
 * entry with another stamp is computed again and takes the old one's place, so a page asked for
 * all day holds one entry, not one a minute. Entries of an older figures version are dropped
 * together as soon as the version moves: nothing can ask for them again. At 600,000 figures a
 * month's overview and what it reads are about 1.5 MB.
 */
export function cachedForFigures<T>(db: Db, key: string, compute: () => T, stamp = ""): T {
  const version = figuresVersionOf(db);
  let cache = figureCaches.get(db);
  if (!cache || cache.version !== version) figureCaches.set(db, (cache = { version, entries: new Map() }));
  const entries = cache.entries;
  const hit = entries.get(key);
  // Most recently used last: the first key is the one to drop.
  entries.delete(key);
  if (hit && hit.stamp === stamp) {
    entries.set(key, hit);
    return hit.value as T;
  }
  const value = compute();
  entries.set(key, { stamp, value });
  while (entries.size > FIGURES_CACHE_SIZE) entries.delete(entries.keys().next().value as string);
  return value;
}
