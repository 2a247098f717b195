// GET /api/v1/report?period=YYYY-MM[&edition=N]: the contract's JSON report (§3) for a token's
// owner. The same computation as the pages and `kpi report`: a published month's latest edition
// (or edition N), another month computed now and marked provisional; only what the owner may
// read is left in.
import { methodNotAllowed, requireApiUser, apiError, apiJson, apiLoader, monthParam, queryParam } from "~/auth/api.server";
import { can, type Actor } from "~/auth/permissions";
import { reportJson } from "~/compliance/report-format";
import { editionReport, publicEdition } from "~/models/published.server";
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
  const params = new URL(request.url).searchParams;
  const period = monthParam(params, "period", true);
  const asked = queryParam(params, "edition");
  if (asked !== null) {
    if (!/^[1-9]\d{0,5}$/.test(asked)) throw apiError(400, `The parameter "edition" must be an edition's number, such as 1.`);
    const found = editionReport(db(), period, Number(asked));
    if (!found) throw apiError(404, `${period} has no edition ${asked}: see /api/v1/editions?period=${period}.`);
    return apiJson({ ...visibleReport(reportJson(found.report), user), edition: publicEdition(found.edition) });
  }
  const published = editionReport(db(), period);
  // `edition` is an addition to the contract's object: null while the month is provisional.
  return apiJson({ ...visibleReport(reportJson(reportFor(db(), period)), user), edition: published ? publicEdition(published.edition) : null });
});

/** POST, PUT, PATCH, DELETE: the read API only reads. */
export const action = methodNotAllowed("GET");
