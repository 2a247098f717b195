// Statements that run on every request (the session, the header's unread count), prepared once per
// connection. Built by drizzle they were rebuilt and prepared again each time: about 4 ms of an
// entity page's 25 at scale, more than the page's own figures cost to read.
import type Database from "better-sqlite3";
import type { Db } from "../../db/index";

const prepared = new WeakMap<Db, Map<string, Database.Statement>>();

/** `sql` prepared on `db`'s connection, the first time it is asked for. */
export function statement(db: Db, sql: string): Database.Statement {
  let statements = prepared.get(db);
  if (!statements) prepared.set(db, (statements = new Map()));
  let found = statements.get(sql);
  if (!found) {
    found = db.$client.prepare(sql);
    statements.set(sql, found);
  }
  return found;
}

const queries = new WeakMap<Db, Map<string, unknown>>();

/**
 * A drizzle query with placeholders (`sql.placeholder`), built and prepared once per connection
 * under `name`: a read on every page of a month, built anew each time, cost 0.1–0.2 ms of it.
 */
export function preparedQuery<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = queries.get(db);
  if (!byName) queries.set(db, (byName = new Map()));
  let found = byName.get(name) as T | undefined;
  if (found === undefined) {
    found = build(db);
    byName.set(name, found);
  }
  return found;
}
