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
