// Which servers are using a database file, so `kpi restore` can refuse to pull the file from under
// one. Each server process writes DATABASE_PATH.server-PID.lock (its process id, host and start)
// when it starts and deletes it when it stops. A server killed with -9 leaves its file behind:
// a file whose process is no longer alive on this host counts for nothing. SQLite's own locks
// cannot say this (a WAL connection holds no lock between transactions that another process
// could test for), hence a file of our own. docs/decisions/0021-backups-logs-shutdown.md.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  file: string;
}

const lockPrefix = (databasePath: string) => `${path.basename(databasePath)}.server-`;

/** Marks `databasePath` as used by this process; the function returned takes the mark away. */
export function holdDatabase(databasePath: string, now: Date): () => void {
  if (databasePath === ":memory:") return () => {};
  const file = path.join(path.dirname(databasePath), `${lockPrefix(databasePath)}${process.pid}.lock`);
  writeFileSync(file, `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: now.toISOString() })}\n`);
  return () => rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, and someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The servers using `databasePath` now: a lock whose process has gone does not count. */
export function serversHolding(databasePath: string): Holder[] {
  const dir = path.dirname(databasePath);
  if (!existsSync(dir)) return [];
  const holders: Holder[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(lockPrefix(databasePath)) || !name.endsWith(".lock")) continue;
    const file = path.join(dir, name);
    let lock: { pid?: unknown; host?: unknown; startedAt?: unknown };
    try {
      lock = JSON.parse(readFileSync(file, "utf8")) as typeof lock;
    } catch {
      continue;
    }
    if (typeof lock.pid !== "number" || typeof lock.host !== "string") continue;
    // On another host (a shared disk) nothing here can tell whether it still runs: it counts.
    if (lock.host === hostname() && !alive(lock.pid)) continue;
    holders.push({ pid: lock.pid, host: lock.host, startedAt: String(lock.startedAt), file });
  }
  return holders;
}
