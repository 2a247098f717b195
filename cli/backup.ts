// `kpi backup [FILE]` and `kpi restore FILE`. Neither opens the database through db/index.ts:
// a backup copies the file as it is (it does not migrate it), and a restore must not hold the
// file it is about to replace. app/ops/backup.server.ts does the work.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { openDatabase } from "../db/index";
import { BackupError, backupNameOf, manifestPathOf, restoreBackup, takeBackup } from "../app/ops/backup.server";
import { parseEnv } from "../app/utils/env.server";
import type { Io } from "./run";

const usage = (line: string) => `${line}\n\nRun npm run kpi -- help for every command.`;

export function runBackup(args: string[], io: Io): number {
  if (args.length > 1 || args.some((a) => a.startsWith("-"))) {
    io.err(usage("kpi backup takes at most one file (or folder) to write"));
    return 2;
  }
  const env = parseEnv(io.env);
  const given = args[0];
  // No file: BACKUP_DIR; a folder: in it. Either way under the name retention recognises.
  const dir = given === undefined ? env.BACKUP_DIR : existsSync(given) && statSync(given).isDirectory() ? given : null;
  const target = path.resolve(dir === null ? given! : path.join(dir, backupNameOf(env.DATABASE_PATH, io.now)));
  try {
    const started = performance.now();
    const manifest = takeBackup(env.DATABASE_PATH, target);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.out(`backup written: ${target} (${manifest.bytes} bytes, integrity ok, ${seconds} s)`);
    io.out(`manifest: ${manifestPathOf(target)} (sha256 ${manifest.sha256})`);
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    io.err(`no backup: ${error.message}`);
    return 1;
  }
}

export function runRestore(args: string[], io: Io): number {
  if (args.length !== 1 || args[0].startsWith("-")) {
    io.err(usage("kpi restore takes the backup file to restore"));
    return 2;
  }
  const env = parseEnv(io.env);
  if (env.DATABASE_PATH === ":memory:") {
    io.err("kpi restore needs DATABASE_PATH to name a file");
    return 2;
  }
  const file = path.resolve(args[0]);
  try {
    const { manifest, replacedAt } = restoreBackup(file, env.DATABASE_PATH, io.now);
    // The next server start would migrate it; doing it now means the restore ends on a database
    // this version serves, or says at once why not.
    openDatabase(env.DATABASE_PATH).$client.close();
    io.out(`restored ${env.DATABASE_PATH} from ${file}, taken ${manifest.takenAt} (migration ${manifest.migration.tag ?? "none"})`);
    io.out(replacedAt ? `the database it replaced is kept at ${replacedAt}` : "there was no database to replace");
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    io.err(`not restored: ${error.message}`);
    return 1;
  }
}
