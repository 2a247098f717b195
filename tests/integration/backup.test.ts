// Backups and restores on real SQLite files, by the built command line in real processes: a
// backup taken while another process writes figures, a backup killed with -9 at every stage, a
// restore refused while a server holds the database. docs/decisions/0021-backups-logs-shutdown.md.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { loadDemoData } from "../../seeds/demo";
import {
  backupNameOf,
  BackupError,
  manifestPathOf,
  pruneBackups,
  restoreBackup,
  takeBackup,
  verifyBackup,
  type BackupManifest,
} from "../../app/ops/backup.server";
import { startBackupSchedule } from "../../app/ops/backup-schedule.server";
import { holdDatabase } from "../../app/ops/server-lock.server";
import { readiness } from "../../app/ops/health.server";
import { buildKpi } from "../helpers/built";
import journal from "../../db/migrations/meta/_journal.json";

const ROOT = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "backup-test-"));
/** The demo database, made once and copied for each case. */
const base = path.join(dir, "base.db");
let kpi = "";
let baseCounts: Record<string, number> = {};

beforeAll(() => {
  // Beside build/kpi.js: its packages resolve from there, and it finds db/migrations one folder up.
  kpi = buildKpi(path.join(ROOT, "build", `kpi-test-${process.pid}.js`));
  const db = openDatabase(base);
  loadDemoData(db, path.join(ROOT, "kpi-definitions"), new Date("2026-11-24T10:00:00Z"));
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  baseCounts = countsOf(base);
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(kpi, { force: true });
});

function countsOf(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
    return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

function integrityOf(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

let cases = 0;
/** A copy of the demo database in a folder of its own. */
function freshCopy(): string {
  const folder = path.join(dir, `case-${++cases}`);
  mkdirSync(folder);
  const file = path.join(folder, "kpi.db");
  copyFileSync(base, file);
  return file;
}

function kpiCli(args: string[], databasePath: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [kpi, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, ...env },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** A process that has come and gone: its id names no live process (until reused, long after). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

describe("kpi backup", () => {
  it("writes a checked copy and a manifest that describes it: counts, migration, definitions, sha256", () => {
    const source = freshCopy();
    const target = path.join(path.dirname(source), "copy.db");
    const run = kpiCli(["backup", target], source);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/^backup written: .*copy\.db \(\d+ bytes, integrity ok, [\d.]+ s\)\nmanifest: .*copy\.db\.manifest\.json \(sha256 [0-9a-f]{64}\)\n$/);
    const manifest = JSON.parse(readFileSync(manifestPathOf(target), "utf8")) as BackupManifest;
    expect(manifest.tables).toEqual(baseCounts);
    expect(manifest.tables.figures).toBeGreaterThan(20_000);
    expect(manifest.migration).toEqual({ tag: journal.entries.at(-1)!.tag, count: journal.entries.length });
    expect(journal.entries.length).toBeGreaterThan(12);
    expect(manifest.definitionsVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(manifest.integrityCheck).toBe("ok");
    expect(verifyBackup(target).sha256).toBe(manifest.sha256);
    expect(integrityOf(target)).toBe("ok");
    // No leftovers beside it.
    expect(readdirSync(path.dirname(target)).filter((n) => n.startsWith("copy")).sort()).toEqual(["copy.db", "copy.db.manifest.json"]);
  });

  it("names the file by the time in BACKUP_DIR when given none, and never replaces a file", () => {
    const source = freshCopy();
    const backups = path.join(path.dirname(source), "elsewhere");
    const run = kpiCli(["backup"], source, { BACKUP_DIR: backups });
    expect(run.code, run.err).toBe(0);
    const [name] = readdirSync(backups).filter((n) => n.endsWith(".db"));
    expect(name).toMatch(/^kpi-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.db$/);
    const again = kpiCli(["backup", path.join(backups, name)], source);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists already: a backup never replaces a file/);
    expect(kpiCli(["backup", "a.db", "b.db"], source).code).toBe(2);
    expect(kpiCli(["backup"], path.join(dir, "no-such.db"), { BACKUP_DIR: backups }).err).toMatch(/^no backup: there is no database at /);
  });

  it("copies one moment of the database while another process writes figures", async () => {
    const source = freshCopy();
    // The writer adds a figure, its history row and the count of both in one transaction each:
    // a copy of one moment has as many of each as the count says.
    const writer = spawn(
      process.execPath,
      [
        "-e",
        `
        const Database = require("better-sqlite3");
        const db = new Database(process.argv[1]);
        db.pragma("busy_timeout = 5000");
        const figure = db.prepare("INSERT INTO figures (entity_code, kpi_code, period, value, status, source, entered_by, entered_at, updated_by, updated_at) VALUES ('RTA', 'OPEN_DATASETS', ?, ?, 'approved', 'import', 'writer', ?, 'writer', ?)");
        const history = db.prepare("INSERT INTO figure_history (figure_id, action, new_value, new_status, actor, at) VALUES (?, 'import', ?, 'approved', 'writer', ?)");
        const count = db.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('writer_count', ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        const write = db.transaction((i) => {
          const at = new Date().toISOString();
          // A "month" no real figure has, so the writer never meets one.
          const period = "w" + i;
          const id = figure.run(period, i, at, at).lastInsertRowid;
          history.run(id, i, at);
          count.run(String(i + 1), at);
        });
        for (let i = 0; i < 1e6; i++) {
          write(i);
          if (i === 99) process.stdout.write("writing\\n");
        }
        `,
        source,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    const writtenBy = (file: string) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const one = (sql: string) => (db.prepare(sql).get() as { n: number | string | undefined })?.n;
        return {
          figures: Number(one("SELECT count(*) AS n FROM figures WHERE entered_by = 'writer'")),
          history: Number(one("SELECT count(*) AS n FROM figure_history WHERE actor = 'writer'")),
          counted: Number(one("SELECT value AS n FROM meta WHERE key = 'writer_count'") ?? 0),
        };
      } finally {
        db.close();
      }
    };
    try {
      await new Promise<void>((resolve) => writer.stdout!.once("data", () => resolve()));
      const before = writtenBy(source).figures;
      const target = path.join(path.dirname(source), "during.db");
      const backup = spawn(process.execPath, [kpi, "backup", target], { cwd: ROOT, env: { ...process.env, DATABASE_PATH: source }, stdio: "ignore" });
      const code = await new Promise((resolve) => backup.once("exit", resolve));
      expect(code).toBe(0);
      const after = writtenBy(source).figures;
      writer.kill("SIGKILL");
      await new Promise((resolve) => writer.once("exit", resolve));

      // Restored into a database of its own, through the command line.
      const restoredPath = path.join(path.dirname(source), "restored", "kpi.db");
      const restore = kpiCli(["restore", target], restoredPath);
      expect(restore.code, restore.err).toBe(0);
      expect(restore.out).toMatch(/there was no database to replace/);
      expect(integrityOf(restoredPath)).toBe("ok");
      const restored = writtenBy(restoredPath);
      // One moment: every figure with its history row, and the count written with them.
      expect(restored.history).toBe(restored.figures);
      expect(restored.counted).toBe(restored.figures);
      // …a moment while the writer wrote: later than before the backup, earlier than after it.
      expect(restored.figures).toBeGreaterThanOrEqual(before);
      expect(restored.figures).toBeLessThanOrEqual(after);
      expect(after).toBeGreaterThan(before);
      // The manifest counted that same moment.
      const manifest = JSON.parse(readFileSync(manifestPathOf(target), "utf8")) as BackupManifest;
      expect(manifest.tables.figures).toBe(baseCounts.figures + restored.figures);
      expect(countsOf(restoredPath)).toEqual(manifest.tables);
    } finally {
      writer.kill("SIGKILL");
    }
  }, 90_000);

  it("killed with -9 at any point, leaves the database whole and no file that looks like a backup", async () => {
    const source = freshCopy();
    const folder = path.dirname(source);
    // How long a whole backup takes here, to kill the others all along the way.
    const timed = performance.now();
    expect(kpiCli(["backup", path.join(folder, "whole.db")], source).code).toBe(0);
    const whole = performance.now() - timed;
    let interrupted = 0;
    let finished = 0;
    for (let i = 1; i <= 5; i++) {
      const target = path.join(folder, `killed-${i}.db`);
      const child = spawn(process.execPath, [kpi, "backup", target], { cwd: ROOT, env: { ...process.env, DATABASE_PATH: source }, stdio: "ignore" });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      setTimeout(() => child.kill("SIGKILL"), (whole * i) / 6);
      const code = await exited;
      if (existsSync(target)) {
        // Only a finished backup is under its name, and it is whole.
        finished += 1;
        expect(code).toBe(0);
        expect(verifyBackup(target).tables).toEqual(baseCounts);
      } else {
        interrupted += 1;
        expect(existsSync(manifestPathOf(target)) && existsSync(target)).toBe(false);
        // Whatever it left is refused as a backup.
        for (const leftover of readdirSync(folder).filter((n) => n.startsWith(`killed-${i}.db`))) {
          // The copy being written, its manifest, or (killed inside VACUUM INTO) its rollback journal.
          expect(leftover).toMatch(/\.partial$|\.partial-journal$|\.manifest\.json$/);
          const refused = kpiCli(["restore", path.join(folder, leftover)], path.join(folder, "never.db"));
          expect(refused.code).toBe(1);
        }
      }
      expect(integrityOf(source)).toBe("ok");
      expect(countsOf(source)).toEqual(baseCounts);
    }
    expect(interrupted, `${finished} of 5 finished before the kill (a whole backup took ${Math.round(whole)} ms)`).toBeGreaterThan(0);
    expect(existsSync(path.join(folder, "never.db"))).toBe(false);
  }, 120_000);
});

describe("kpi restore", () => {
  it("puts a backup in place, keeps the replaced database and its log aside, and migrates", () => {
    const source = freshCopy();
    const target = path.join(path.dirname(source), "before.db");
    takeBackup(source, target);
    // A change after the backup, left in the write-ahead log.
    const live = new Database(source);
    live.pragma("journal_mode = WAL");
    live.prepare("DELETE FROM notices").run();
    const changed = countsOf(source);
    live.close();
    const run = kpiCli(["restore", target], source);
    expect(run.code, run.err).toBe(0);
    const aside = /kept at (.+)\n$/.exec(run.out)![1];
    expect(aside).toMatch(/kpi\.db\.replaced-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(countsOf(source)).toEqual(baseCounts);
    // The replaced database is whole by itself, with the change made after the backup.
    expect(existsSync(`${aside}-wal`)).toBe(false);
    expect(countsOf(aside)).toEqual(changed);
    expect(changed.notices).toBe(0);
    expect(baseCounts.notices).toBeGreaterThan(0);
  });

  it("refuses while a server holds the database, and not after it has gone", () => {
    const source = freshCopy();
    const target = path.join(path.dirname(source), "held.db");
    takeBackup(source, target);
    // A lock of this very process: alive.
    const release = holdDatabase(source, new Date());
    try {
      const run = kpiCli(["restore", target], source);
      expect(run.code).toBe(1);
      expect(run.err).toBe(`not restored: a server is using ${source} (process ${process.pid} on ${hostname()}): stop it, then restore\n`);
    } finally {
      release();
    }
    // A server killed with -9 leaves its lock behind: its process is gone, so it holds nothing.
    const gone = deadPid();
    writeFileSync(`${source}.server-${gone}.lock`, JSON.stringify({ pid: gone, host: hostname(), startedAt: "2026-01-01T00:00:00Z" }));
    expect(kpiCli(["restore", target], source).code).toBe(0);
  });

  it("refuses a file that is not the backup its manifest describes, or has no manifest", () => {
    const source = freshCopy();
    const target = path.join(path.dirname(source), "tampered.db");
    takeBackup(source, target);
    const bytes = readFileSync(target);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(target, bytes);
    expect(() => verifyBackup(target)).toThrow(/is not the file its manifest describes/);
    const run = kpiCli(["restore", target], source);
    expect(run.code).toBe(1);
    expect(countsOf(source)).toEqual(baseCounts);
    rmSync(manifestPathOf(target));
    expect(() => restoreBackup(target, source, new Date())).toThrow(/has no manifest/);
    expect(kpiCli(["restore"], source).code).toBe(2);
  });

  it("refuses a backup taken by a newer version of the app (a migration this one does not know)", () => {
    const source = freshCopy();
    const newer = new Database(source);
    newer.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('from-the-future', 4102444800000)").run();
    newer.close();
    const target = path.join(path.dirname(source), "newer.db");
    const manifest = takeBackup(source, target);
    expect(manifest.migration).toEqual({ tag: null, count: journal.entries.length + 1 });
    expect(() => restoreBackup(target, freshCopy(), new Date())).toThrow(BackupError);
    expect(() => restoreBackup(target, freshCopy(), new Date())).toThrow(/taken by a newer version of the app/);
  });
});

describe("retention and the schedule", () => {
  it("keeps the newest BACKUP_KEEP backups the app named, and nothing else is touched", () => {
    const source = freshCopy();
    const backups = path.join(path.dirname(source), "backups");
    const at = (hour: number) => new Date(Date.UTC(2026, 10, 1, hour));
    for (const hour of [1, 2, 3, 4, 5]) takeBackup(source, path.join(backups, backupNameOf(source, at(hour))));
    writeFileSync(path.join(backups, "before-the-upgrade.db"), "mine");
    const stale = path.join(backups, `${backupNameOf(source, at(6))}.partial`);
    const fresh = path.join(backups, `${backupNameOf(source, at(7))}.partial`);
    writeFileSync(stale, "killed");
    writeFileSync(fresh, "being written");
    utimesSync(stale, new Date("2026-10-01"), new Date("2026-10-01"));
    const { deleted } = pruneBackups(backups, source, 2, new Date("2026-11-02T00:00:00Z"));
    expect(deleted).toEqual([backupNameOf(source, at(1)), backupNameOf(source, at(2)), backupNameOf(source, at(3)), path.basename(stale)]);
    expect(readdirSync(backups).sort()).toEqual(
      [
        backupNameOf(source, at(4)),
        manifestPathOf(backupNameOf(source, at(4))),
        backupNameOf(source, at(5)),
        manifestPathOf(backupNameOf(source, at(5))),
        "before-the-upgrade.db",
        path.basename(fresh),
      ].sort(),
    );
  });

  it("takes backups every BACKUP_EVERY, counted from the newest, and keeps BACKUP_KEEP", async () => {
    const source = freshCopy();
    const backups = path.join(path.dirname(source), "scheduled");
    // An hour passes between each look at the clock, so each backup has a name of its own.
    let hour = 0;
    const clock = () => new Date(Date.UTC(2026, 10, 1, hour++));
    const taken: string[] = [];
    const logged: string[] = [];
    let done: () => void;
    const three = new Promise<void>((resolve) => (done = resolve));
    const schedule = startBackupSchedule(
      { DATABASE_PATH: source, BACKUP_DIR: backups, BACKUP_EVERY: 60 * 60_000, BACKUP_KEEP: 2 },
      async (target) => {
        takeBackup(source, target);
        taken.push(path.basename(target));
        if (taken.length === 3) done();
      },
      { clock, settleMs: 0, log: (level, _fields, message) => logged.push(`${level} ${message}`) },
    );
    await three;
    await schedule.stop(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(taken).toHaveLength(3);
    expect(readdirSync(backups).filter((n) => n.endsWith(".db")).sort()).toEqual(taken.slice(1).sort());
    expect(logged.slice(0, 3)).toEqual(["info backup taken", "info backup taken", "info backup taken"]);
  });
});

describe("readiness", () => {
  it("is not ready before the definitions are loaded, nor when the file is gone", () => {
    const empty = path.join(dir, "empty", "kpi.db");
    const db = openDatabase(empty);
    try {
      expect(readiness(empty, () => db)).toEqual({
        ready: false,
        checks: { database: "ok", migrations: "ok", definitions: "not loaded", server: "ok" },
      });
      const source = freshCopy();
      expect(readiness(source, () => db).ready).toBe(true);
      rmSync(source);
      expect(readiness(source, () => db).checks.database).toBe("unreachable");
    } finally {
      db.$client.close();
    }
    expect(readiness(empty, () => db).checks.database).toBe("unreachable");
  });
});
