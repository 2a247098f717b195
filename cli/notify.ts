// `npm run kpi -- notify [--now ISO] [--dry-run]`: one run of the notice scheduler, as the server
// runs it every few minutes: the rules evaluated at that moment, what they owe queued and sent.
import { runNotices } from "../app/notices/deliver.server";
import { parseEnv } from "../app/utils/env.server";
import { getDatabase } from "../db/index";
import type { Io } from "./run";

export const NOTIFY_USAGE = `Usage: npm run kpi -- notify [--now 2026-12-06T09:00:00+04:00] [--dry-run]

Evaluates the notice rules at that moment (default: now), queues what is due and e-mails it
through SMTP_URL (without it, notices stay in the app's inboxes). --dry-run prints what would
be queued and writes and sends nothing.`;

export async function runNotify(args: string[], io: Io): Promise<number> {
  let now = io.now;
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--now" && args[i + 1] !== undefined) {
      const text = args[++i];
      const moment = new Date(text);
      // A moment with its offset or Z: a bare date or time would be read in this machine's zone.
      if (!/(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(moment.getTime())) {
        io.err(`--now: "${text}" is not a moment such as 2026-12-06T09:00:00+04:00`);
        return 2;
      }
      now = moment;
    } else {
      io.err(`kpi notify: unknown argument "${arg}"\n\n${NOTIFY_USAGE}`);
      return 2;
    }
  }
  const env = parseEnv(io.env);
  const db = getDatabase(env.DATABASE_PATH);
  const result = await runNotices(db, env, { now, dryRun });
  const verb = dryRun ? "would queue" : "queued";
  io.out(`${verb} ${result.queued.length} notice(s) at ${now.toISOString()}`);
  for (const n of result.queued) {
    io.out(`  ${n.kind.padEnd(10)} user ${n.userId}${n.entityCode ? ` ${n.entityCode}` : ""}${n.period ? ` ${n.period}` : ""}  (${n.key})`);
  }
  if (!dryRun) {
    io.out(`e-mailed ${result.sent}, failed ${result.failed} (retried later), inbox only ${result.held}${env.SMTP_URL ? "" : " (no SMTP_URL)"}`);
  }
  return 0;
}
