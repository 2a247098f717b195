// `npm run seed`: rebuilds the database at DATABASE_PATH from scratch with the demo data.
// Stop the server first: the old file is removed, not emptied row by row.
import { existsSync, rmSync } from "node:fs";
import { getDatabase } from "../db/index";
import { EnvError, parseEnv } from "../app/utils/env.server";
import { loadDemoData } from "./demo";

try {
  const env = parseEnv(process.env);
  if (env.DATABASE_PATH === ":memory:")
    throw new EnvError("DATABASE_PATH: a seeded database must be a file");
  for (const suffix of ["", "-wal", "-shm"]) {
    if (existsSync(env.DATABASE_PATH + suffix)) rmSync(env.DATABASE_PATH + suffix);
  }
  const started = performance.now();
  const db = getDatabase(env.DATABASE_PATH);
  const { figures } = loadDemoData(db, env.KPI_DEFINITIONS_DIR, new Date());
  db.$client.close();
  console.log(
    `Demo database rebuilt at ${env.DATABASE_PATH}: ${figures} figures in ${Math.round(performance.now() - started)} ms`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
