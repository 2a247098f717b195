// Gets the database ready before the app serves a request: migrated (by opening it) and, when
// it is empty and SEED_DEMO allows, loaded with the Smart Dubai demo data.
import { getDatabase, type Db } from "../db/index";
import type { Env } from "../app/utils/env.server";
import { isEmptyDatabase, loadDemoData } from "../seeds/demo";

export function prepareDatabase(env: Env, log: (line: string) => void = console.log): Db {
  const db = getDatabase(env.DATABASE_PATH);
  if (env.SEED_DEMO && isEmptyDatabase(db)) {
    const started = performance.now();
    const { figures } = loadDemoData(db, env.KPI_DEFINITIONS_DIR, new Date());
    log(
      `Empty database: loaded the demo data (${figures} figures) in ${Math.round(performance.now() - started)} ms`,
    );
  }
  return db;
}
