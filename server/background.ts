// The server's work that runs on a clock rather than a request: notices and scheduled backups.
// One process runs it, whatever the number of web workers (server/index.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { Db } from "../db/index";
import type { Env } from "../app/utils/env.server";
import { startNoticeScheduler } from "../app/notices/deliver.server";
import { startBackupSchedule } from "../app/ops/backup-schedule.server";
import { within } from "./within";

export interface Background {
  /** Lets the notice sender and a backup finish until `deadline`; true when the notices did. */
  stop(deadline: number): Promise<boolean>;
}

export function startBackground(env: Env, db: Db, log: Logger): Background {
  // Reminders, overdue notices, digests and escalations, every NOTIFY_EVERY_MINUTES.
  const stopNotices = startNoticeScheduler(() => db, env, (line) => log.info({ component: "notices" }, line));

  // Scheduled backups, each by the command line in a child process (build/kpi.js, built beside this
  // file): its copy and check take seconds at scale, which would otherwise stop every page.
  const kpiScript = fileURLToPath(new URL("./kpi.js", import.meta.url));
  let backupChild: ChildProcess | null = null;
  const backups = startBackupSchedule(
    env,
    (target) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [kpiScript, "backup", target], { env: process.env, stdio: ["ignore", "ignore", "pipe"] });
        backupChild = child;
        let errors = "";
        child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
        child.once("error", reject);
        child.once("exit", (code, signal) => {
          backupChild = null;
          if (code === 0) resolve();
          else reject(new Error(errors.trim() || `kpi backup ended with ${code ?? signal}`));
        });
      }),
    {
      // Stopped half-way, a backup leaves only its ".partial" file, which is never taken for one.
      cancel: () => backupChild?.kill("SIGTERM"),
      log: (level, fields, message) => log[level]({ component: "backups", ...fields }, message),
    },
  );

  return {
    async stop(deadline) {
      const [noticesDone] = await Promise.all([within(stopNotices(), deadline), backups.stop(Math.max(0, deadline - Date.now()))]);
      if (!noticesDone) log.warn("the notice sender was still running: what it had not sent stays queued");
      return noticesDone;
    },
  };
}
