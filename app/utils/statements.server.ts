// Statements that run on every request (the session, the header's unread count, the versions the
// caches are keyed by, a month's edition and commentary), prepared once per connection. Built by
// drizzle they were rebuilt and prepared again each time: about 4 ms of an entity page's 25 at
// scale, more than the page's own figures cost to read.
import type Database from "better-sqlite3";
import type { Db } from "../../db/index";

const kept = new WeakMap<Db, Map<string, unknown>>();

/** `make()` once per connection under `key`, kept for the connection's life. */
function once<T>(db: Db, key: string, make: () => T): T {
  let byKey = kept.get(db);
  if (!byKey) kept.set(db, (byKey = new Map()));
  let found = byKey.get(key) as T | undefined;
  if (found === undefined) {
    found = make();
    byKey.set(key, found);
  }
  return found;
}

/** `sql` prepared on `db`'s connection, the first time it is asked for. */
export function statement(db: Db, sql: string): Database.Statement {
  return once(db, `statement:${sql}`, () => db.$client.prepare(sql));
}

/** The one value `sql` reads (a version, a count): read on nearly every request. */
export function readValue(db: Db, sql: string): unknown {
  return once(db, `value:${sql}`, () => db.$client.prepare(sql).pluck()).get();
}

/**
 * A drizzle query with placeholders (`sql.placeholder`), built and prepared once per connection
 * under `name`: a read on every page of a month, built anew each time, cost 0.1–0.2 ms of it.
 */
export function preparedQuery<T>(db: Db, name: string, build: (db: Db) => T): T {
  return once(db, `query:${name}`, () => build(db));
}
