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

const changeCaches = new WeakMap<Db, { stamp: string; values: Map<string, unknown> }>();
const stampStatements = new WeakMap<Db, { changes: { get: () => unknown } }>();

/**
 * A stamp that changes whenever the database does: `data_version` moves when another connection
 * (the command line, another server process) commits, `total_changes()` when this one writes.
 * Two reads of a few microseconds, against a query that scans every approved figure.
 */
export function changeStampOf(db: Db): string {
  let statements = stampStatements.get(db);
  if (!statements) {
    statements = { changes: db.$client.prepare("SELECT total_changes()").pluck() };
    stampStatements.set(db, statements);
  }
  return `${String(db.$client.pragma("data_version", { simple: true }))}:${String(statements.changes.get())}`;
}

/** `compute()` once until anything in the database changes; callers must treat it as read-only. */
export function cachedUntilChanged<T>(db: Db, key: string, compute: () => T): T {
  const stamp = changeStampOf(db);
  let cache = changeCaches.get(db);
  if (!cache || cache.stamp !== stamp) {
    cache = { stamp, values: new Map() };
    changeCaches.set(db, cache);
  }
  if (!cache.values.has(key)) cache.values.set(key, compute());
  return cache.values.get(key) as T;
}
