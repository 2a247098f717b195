// GET /readyz: 200 when the database can be read, its migrations are this version's and the KPI
// definitions are loaded; 503 with the check that failed otherwise, and while the server stops.
// No sign-in, no session, no version or data (app/ops/health.server.ts).
import { readiness } from "../ops/health.server";
import { db } from "../utils/db.server";
import { env } from "../utils/env.server";

export function loader() {
  const { ready, checks } = readiness(env().DATABASE_PATH, db);
  return Response.json(
    { status: ready ? "ready" : "not ready", checks },
    { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
