// The server's scheduled backups: every BACKUP_EVERY, counted from the newest backup in
// BACKUP_DIR (so a server restarted every night still takes its daily one), keeping BACKUP_KEEP.
// The copy itself runs outside the server's event loop (server/index.ts hands it to the command
// line in a child process): checking a 200 MB copy takes seconds the pages should not wait for.
import path from "node:path";
import type { Env } from "../utils/env.server";
import { backupNameOf, newestBackupTime, pruneBackups } from "./backup.server";

/** Takes one backup to `target`; rejects when it failed. */
export type TakeBackup = (target: string) => Promise<void>;

const RETRY_MS = 10 * 60_000;

export interface BackupScheduleOptions {
  clock?: () => Date;
  /** A first backup that is overdue waits this long after start-up, so start-up is not slowed. */
  settleMs?: number;
  log: (level: "info" | "error", fields: Record<string, unknown>, message: string) => void;
}

export interface BackupSchedule {
  /** Waits for a backup under way, at most `waitMs`, then gives up on it (`cancel`). */
  stop: (waitMs: number) => Promise<void>;
}

export function startBackupSchedule(
  env: Pick<Env, "DATABASE_PATH" | "BACKUP_DIR" | "BACKUP_EVERY" | "BACKUP_KEEP">,
  take: TakeBackup,
  options: BackupScheduleOptions & { cancel?: () => void },
): BackupSchedule {
  if (env.BACKUP_EVERY === 0 || env.DATABASE_PATH === ":memory:") return { stop: async () => {} };
  const clock = options.clock ?? (() => new Date());
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const dueAt = () => {
    const newest = newestBackupTime(env.BACKUP_DIR, env.DATABASE_PATH);
    return newest ? newest.getTime() + env.BACKUP_EVERY : 0;
  };

  const schedule = (settleMs: number) => {
    if (stopped) return;
    const wait = Math.max(dueAt() - clock().getTime(), settleMs);
    // setTimeout holds at most 24.8 days; a longer wait is looked at again then.
    timer = setTimeout(run, Math.min(wait, 2 ** 31 - 1));
    // A scheduled backup never keeps the process alive by itself.
    timer.unref();
  };

  const run = () => {
    timer = null;
    const now = clock();
    if (dueAt() > now.getTime()) return schedule(0);
    const target = path.join(env.BACKUP_DIR, backupNameOf(env.DATABASE_PATH, now));
    const started = performance.now();
    let failed = false;
    running = take(target)
      .then(() => {
        const { deleted } = pruneBackups(env.BACKUP_DIR, env.DATABASE_PATH, env.BACKUP_KEEP, clock());
        options.log("info", { backup: target, ms: Math.round(performance.now() - started), deleted }, "backup taken");
      })
      .catch((error: unknown) => {
        failed = true;
        options.log("error", { backup: target, err: error }, "the scheduled backup failed");
      })
      .finally(() => {
        running = null;
        // A failure (a full disk) is tried again in a while, not at once and forever.
        schedule(failed ? Math.min(env.BACKUP_EVERY, RETRY_MS) : 0);
      });
  };

  schedule(options.settleMs ?? 60_000);
  return {
    stop: async (waitMs) => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (!running) return;
      let giveUp: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((resolve) => {
        giveUp = setTimeout(() => {
          options.cancel?.();
          resolve();
        }, waitMs);
      });
      await Promise.race([running, late]);
      clearTimeout(giveUp);
    },
  };
}
