// The one database connection of a process. The server, the command line and the seed script
// all open it through here, so every entry point gets WAL, foreign keys and the migrations.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

// Named from one folder down, so that it holds both for this file and for the server bundled
// into build/start.js (`npm run build`), which carries this module inside it.
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "db", "migrations");

/** Opens (creating when missing) and migrates the SQLite file at `file`. */
export function openDatabase(file: string): Db {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  // drizzle-kit rebuilds tables by copy-and-drop; with foreign keys on, the drop would cascade
  // into child tables (drizzle-orm#5782), so they stay off while migrations run.
  sqlite.pragma("foreign_keys = OFF");
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  sqlite.pragma("foreign_keys = ON");
  return db;
}

declare global {
  // Kept on globalThis so that Vite's dev reloads and the production server bundle (which has
  // its own copy of this module) reuse one connection instead of opening another.
  var __smartComplianceDb: { file: string; db: Db } | undefined;
}

/** The process's connection to `file`, opened on first use. */
export function getDatabase(file: string): Db {
  const current = globalThis.__smartComplianceDb;
  if (current && current.file === file) return current.db;
  current?.db.$client.close();
  const db = openDatabase(file);
  globalThis.__smartComplianceDb = { file, db };
  return db;
}

export { schema };
