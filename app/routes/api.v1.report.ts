// GET /api/v1/report?period=YYYY-MM: the contract's JSON report (§3) for a token's owner. The
// same computation as the pages and `kpi report`; only what the owner may read is left in.
import { methodNotAllowed, requireApiUser, apiJson, apiLoader, monthParam } from "~/auth/api.server";
import { can, type Actor } from "~/auth/permissions";
import { reportJson } from "~/compliance/report-format";
import { reportFor } from "~/models/report.server";
import { db } from "~/utils/db.server";

type ReportJson = ReturnType<typeof reportJson>;

/**
 * The report as `actor` may read it: the city-wide rows and the roll-ups of initiatives,
 * policies, pillars and dimensions are city-level and everyone's to read; an entity's rows and
 * its entry in `entities` only for those who may read that entity (a focal point: their own).
 */
function visibleReport(report: ReportJson, actor: Actor): ReportJson {
  return {
    ...report,
    rows: report.rows.filter((row) => row.entity === null || can(actor, "entity:read", row.entity)),
    entities: report.entities.filter((entity) => can(actor, "entity:read", entity.code)),
  };
}

export const loader = apiLoader((request) => {
  const user = requireApiUser(request);
  const period = monthParam(new URL(request.url).searchParams, "period", true);
  return apiJson(visibleReport(reportJson(reportFor(db(), period)), user));
});

/** POST, PUT, PATCH, DELETE: the read API only reads. */
export const action = methodNotAllowed("GET");
