// The server process's briefing-book preparations: one BriefingJobs for the process, kept on
// globalThis for the reason the database connection and the shared Chromium are (Vite's dev
// reloads would otherwise start a second one beside the first).
import { db } from "../utils/db.server";
import { env, planSettings } from "../utils/env.server";
import { BriefingJobs } from "./jobs.server";
import { prepareBook } from "./print.server";

declare global {
  var __smartComplianceBriefing: BriefingJobs | undefined;
}

export function briefingJobs(): BriefingJobs {
  globalThis.__smartComplianceBriefing ??= new BriefingJobs(
    () => db(),
    (database, request, onProgress) => prepareBook(database, { ...request, settings: planSettings(env()) }, { onProgress }),
    // No log of its own: a failure goes to console.error, as the server's errors do.
  );
  return globalThis.__smartComplianceBriefing;
}
