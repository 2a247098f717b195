// Backups of the one SQLite file, and putting one back. docs/decisions/0021-backups-logs-shutdown.md.
//
// A backup is `VACUUM INTO` from a read-only connection of its own: one read transaction, so the
// copy is the database at one moment however many writers carry on (WAL lets them), and it never
// restarts the way the online backup API does when another process writes. It is written under a
// ".partial" name, checked (integrity_check, row counts), hashed, described in its manifest, and
// only then renamed to its own name: a file under a backup's name is always a whole one, and a
// process killed half-way leaves nothing that looks like a backup.
import { createHash } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import journal from "../../db/migrations/meta/_journal.json";
import { serversHolding } from "./server-lock.server";

/** Refused, with a sentence for the person who asked: the command line prints it and exits 1. */
export class BackupError extends Error {}

export interface BackupManifest {
  /** Of this manifest's shape. */
  format: 1;
  /** When the copy was read: the moment of the database it holds. */
  takenAt: string;
  /** The backup file's name (the manifest sits beside it as NAME.manifest.json). */
  file: string;
  /** The database it was taken from. */
  source: string;
  bytes: number;
  sha256: string;
  /** The last schema migration applied in the copy, and how many were. */
  migration: { tag: string | null; count: number };
  /** The KPI definitions' version (`kpi sync`), null before any sync. */
  definitionsVersion: string | null;
  /** Rows in every table of the copy. */
  tables: Record<string, number>;
  integrityCheck: "ok";
}

export const manifestPathOf = (file: string) => `${file}.manifest.json`;

/** "2026-12-01T02-51-00Z": sorts as time does and is a valid file name everywhere. */
export function stampOf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}

/** The name the app gives a backup of `databasePath` taken at `now`. */
export function backupNameOf(databasePath: string, now: Date): string {
  return `${path.basename(databasePath).replace(/\.(db|sqlite3?)$/, "")}-${stampOf(now)}.db`;
}

/** Names the app gave, in BACKUP_DIR: the only files retention ever deletes. */
function isBackupName(databasePath: string, name: string): boolean {
  const base = path.basename(databasePath).replace(/\.(db|sqlite3?)$/, "");
  return name.startsWith(`${base}-`) && /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.db$/.test(name.slice(base.length + 1));
}

interface Migrations {
  count: number;
  /** drizzle's created_at of each applied migration, which is its journal entry's `when`. */
  applied: number[];
}

function migrationsOf(sqlite: Database.Database): Migrations {
  const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!exists) return { count: 0, applied: [] };
  const rows = sqlite.prepare("SELECT created_at AS at FROM __drizzle_migrations ORDER BY created_at").all() as Array<{ at: number }>;
  return { count: rows.length, applied: rows.map((r) => Number(r.at)) };
}

const tagOf = (when: number | undefined) => journal.entries.find((e) => e.when === when)?.tag ?? null;

/** Whether the database's migrations are this app's, all of them ("current"), some ("behind") or unknown ones ("ahead"). */
export function migrationStatus(sqlite: Database.Database): "current" | "behind" | "ahead" {
  const { applied } = migrationsOf(sqlite);
  const known = journal.entries.map((e) => e.when);
  if (applied.some((when) => !known.includes(when))) return "ahead";
  return applied.length === known.length ? "current" : "behind";
}

export function definitionsVersionOf(sqlite: Database.Database): string | null {
  const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!exists) return null;
  const row = sqlite.prepare("SELECT value FROM meta WHERE key = 'definitions_version'").get() as { value: string } | undefined;
  return row?.value ?? null;
}

function tableCounts(sqlite: Database.Database): Record<string, number> {
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string }>;
  return Object.fromEntries(
    tables.map(({ name }) => [name, (sqlite.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n]),
  );
}

export function sha256Of(file: string): string {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let read; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) hash.update(chunk.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

function fsyncPath(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What a copy holds, read through a read-only connection; throws BackupError when it is damaged. */
function inspect(file: string): Pick<BackupManifest, "migration" | "definitionsVersion" | "tables" | "integrityCheck"> {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${file} cannot be opened as a database: ${(error as Error).message}`);
  }
  try {
    const check = sqlite.pragma("integrity_check") as Array<{ integrity_check: string }>;
    if (check.length !== 1 || check[0].integrity_check !== "ok") {
      throw new BackupError(`${file} fails SQLite's integrity check: ${check.slice(0, 3).map((c) => c.integrity_check).join("; ")}`);
    }
    const migrations = migrationsOf(sqlite);
    return {
      migration: { tag: tagOf(migrations.applied.at(-1)), count: migrations.count },
      definitionsVersion: definitionsVersionOf(sqlite),
      tables: tableCounts(sqlite),
      integrityCheck: "ok",
    };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} cannot be read as a database: ${(error as Error).message}`);
  } finally {
    sqlite.close();
  }
}

/**
 * Copies the database at `databasePath` to `target` (which must not exist), checks the copy and
 * writes its manifest beside it. Safe while a server writes: the copy is one moment of it.
 */
export function takeBackup(databasePath: string, target: string, now: () => Date = () => new Date()): BackupManifest {
  if (!existsSync(databasePath)) throw new BackupError(`there is no database at ${databasePath}`);
  if (existsSync(target)) throw new BackupError(`${target} exists already: a backup never replaces a file`);
  mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  // Left by a backup that was killed: never a backup, and VACUUM INTO wants an absent file. Its
  // rollback journal too: beside a new copy, SQLite would take it for the copy's own and roll it back.
  rmSync(partial, { force: true });
  rmSync(`${partial}-journal`, { force: true });
  const source = new Database(databasePath, { readonly: true, fileMustExist: true });
  let takenAt: string;
  try {
    source.pragma("busy_timeout = 5000");
    takenAt = now().toISOString();
    source.prepare("VACUUM INTO ?").run(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw new BackupError(`the copy of ${databasePath} failed: ${(error as Error).message}`);
  } finally {
    source.close();
  }
  try {
    const facts = inspect(partial);
    fsyncPath(partial);
    const manifest: BackupManifest = {
      format: 1,
      takenAt,
      file: path.basename(target),
      source: databasePath,
      bytes: statSync(partial).size,
      sha256: sha256Of(partial),
      ...facts,
    };
    const manifestPath = manifestPathOf(target);
    writeFileSync(`${manifestPath}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncPath(`${manifestPath}.partial`);
    renameSync(`${manifestPath}.partial`, manifestPath);
    // Last: from here on the file under the backup's name is whole, and described.
    renameSync(partial, target);
    fsyncPath(path.dirname(target));
    return manifest;
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${manifestPathOf(target)}.partial`, { force: true });
    throw error instanceof BackupError ? error : new BackupError(`the backup ${target} failed: ${(error as Error).message}`);
  }
}

/** Reads `file`'s manifest and checks the file against it; throws BackupError naming what is wrong. */
export function verifyBackup(file: string): BackupManifest {
  if (!existsSync(file)) throw new BackupError(`there is no file ${file}`);
  const manifestPath = manifestPathOf(file);
  if (!existsSync(manifestPath)) {
    throw new BackupError(`${file} has no manifest (${path.basename(manifestPath)}): it is not a finished backup of this app`);
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as BackupManifest;
  } catch {
    throw new BackupError(`${manifestPath} is not a readable manifest`);
  }
  if (manifest.format !== 1 || typeof manifest.sha256 !== "string" || typeof manifest.tables !== "object") {
    throw new BackupError(`${manifestPath} is not a manifest this version reads`);
  }
  const sha256 = sha256Of(file);
  if (sha256 !== manifest.sha256) {
    throw new BackupError(`${file} is not the file its manifest describes (sha256 ${sha256}, the manifest says ${manifest.sha256})`);
  }
  const facts = inspect(file);
  const differ = Object.keys({ ...facts.tables, ...manifest.tables }).filter((t) => facts.tables[t] !== manifest.tables[t]);
  if (differ.length > 0) throw new BackupError(`${file}: the row counts of ${differ.join(", ")} differ from its manifest`);
  return manifest;
}

export interface Restored {
  manifest: BackupManifest;
  /** Where the database it replaced was put, or null when there was none. */
  replacedAt: string | null;
}

/**
 * Puts the backup `file` in place of the database at `databasePath`: checked first, refused
 * while a server holds the database or when the backup is of a newer version of the app, and the
 * replaced database (with its write-ahead log) kept aside under a ".replaced-STAMP" name.
 */
export function restoreBackup(file: string, databasePath: string, now: Date): Restored {
  const manifest = verifyBackup(file);
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  const status = (() => {
    try {
      return migrationStatus(copy);
    } finally {
      copy.close();
    }
  })();
  if (status === "ahead") {
    throw new BackupError(`${file} was taken by a newer version of the app (migration ${manifest.migration.tag ?? "unknown"}): restore it with that version`);
  }
  const holders = serversHolding(databasePath);
  if (holders.length > 0) {
    throw new BackupError(
      `a server is using ${databasePath} (${holders.map((h) => `process ${h.pid} on ${h.host}`).join(", ")}): stop it, then restore`,
    );
  }

  let replacedAt: string | null = null;
  if (existsSync(databasePath)) {
    // Folded into the file first, so the copy kept aside is whole by itself; a file too damaged
    // to open is kept as it is, with its log beside it.
    try {
      const current = new Database(databasePath, { fileMustExist: true });
      try {
        current.pragma("wal_checkpoint(TRUNCATE)");
      } finally {
        current.close();
      }
    } catch {
      // Kept aside as found.
    }
    replacedAt = `${databasePath}.replaced-${stampOf(now)}`;
    if (existsSync(replacedAt)) throw new BackupError(`${replacedAt} exists already: try again in a second`);
    for (const suffix of ["", "-wal", "-shm"]) {
      if (existsSync(databasePath + suffix)) renameSync(databasePath + suffix, replacedAt + suffix);
    }
  } else {
    mkdirSync(path.dirname(databasePath), { recursive: true });
    for (const suffix of ["-wal", "-shm"]) rmSync(databasePath + suffix, { force: true });
  }
  const restoring = `${databasePath}.restoring`;
  copyFileSync(file, restoring);
  fsyncPath(restoring);
  renameSync(restoring, databasePath);
  fsyncPath(path.dirname(databasePath));
  return { manifest, replacedAt };
}

export interface Pruned {
  deleted: string[];
}

/**
 * Keeps the newest `keep` backups the app named in `dir` (with their manifests) and deletes the
 * rest, and whatever killed backups left there more than a day ago. Files named otherwise are
 * never touched.
 */
export function pruneBackups(dir: string, databasePath: string, keep: number, now: Date): Pruned {
  if (!existsSync(dir)) return { deleted: [] };
  const names = readdirSync(dir);
  const backups = names.filter((n) => isBackupName(databasePath, n)).sort();
  const deleted: string[] = [];
  for (const name of backups.slice(0, Math.max(0, backups.length - keep))) {
    rmSync(path.join(dir, name), { force: true });
    rmSync(manifestPathOf(path.join(dir, name)), { force: true });
    deleted.push(name);
  }
  const leftovers = names.filter(
    (n) =>
      (/\.partial(-journal)?$/.test(n) && isBackupName(databasePath, n.replace(/(\.manifest\.json)?\.partial(-journal)?$/, ""))) ||
      (n.endsWith(".manifest.json") && isBackupName(databasePath, n.slice(0, -".manifest.json".length)) && !names.includes(n.slice(0, -".manifest.json".length))),
  );
  for (const name of leftovers) {
    const file = path.join(dir, name);
    if (now.getTime() - statSync(file).mtimeMs > 86_400_000) {
      rmSync(file, { force: true });
      deleted.push(name);
    }
  }
  return { deleted };
}

/** When the newest backup the app named in `dir` was taken, from its name; null when none. */
export function newestBackupTime(dir: string, databasePath: string): Date | null {
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir)
    .filter((n) => isBackupName(databasePath, n) && existsSync(manifestPathOf(path.join(dir, n))))
    .sort()
    .at(-1);
  if (!newest) return null;
  const stamp = /(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\dZ)\.db$/.exec(newest)!;
  return new Date(`${stamp[1]}:${stamp[2]}:${stamp[3]}`);
}
