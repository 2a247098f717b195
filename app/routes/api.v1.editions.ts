// GET /api/v1/editions?period=YYYY-MM: a month's published editions, the first first (empty while
// the month is provisional). Each edition's report: /api/v1/report?period=YYYY-MM&edition=N.
import { apiJson, apiLoader, methodNotAllowed, monthParam, requireApiUser } from "~/auth/api.server";
import { editionsOf, publicEdition } from "~/models/published.server";
import { db } from "~/utils/db.server";

export const loader = apiLoader((request) => {
  requireApiUser(request);
  const period = monthParam(new URL(request.url).searchParams, "period", true);
  return apiJson({
    period,
    editions: editionsOf(db(), period).map((e) => ({ ...publicEdition(e), report: `/api/v1/report?period=${period}&edition=${e.number}` })),
  });
});

export const action = methodNotAllowed("GET");
