// GET /api/v1/figures: approved monthly figures, for scripts and other systems, a page at a time.
// ?from=YYYY-MM&to=YYYY-MM&entity=CODE&kpi=CODE&limit=N&cursor=… — all optional. Pages follow the
// figures' ids, so a page boundary never moves when figures are approved meanwhile: a figure
// approved later either has a higher id (and comes in a later page) or was already seen.
import { and, asc, eq, gt, gte, inArray, lte } from "drizzle-orm";
import {
  apiError,
  apiJson,
  apiLoader,
  monthParam,
  queryParam,
  requireApiUser,
  methodNotAllowed,
} from "~/auth/api.server";
import { approved } from "~/models/report.server";
import { can } from "~/auth/permissions";
import { db } from "~/utils/db.server";
import * as s from "../../db/schema";

const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 5000;

/** The cursor is the last id of a page, base64url: opaque, so callers pass it back unread. */
const encodeCursor = (id: number) => Buffer.from(String(id), "utf8").toString("base64url");

function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  // Only a cursor this API could have issued: a positive id, written the one way we write it.
  if (!/^[1-9]\d{0,14}$/.test(text) || encodeCursor(Number(text)) !== cursor) return null;
  return Number(text);
}

function limitParam(params: URLSearchParams): number {
  const value = queryParam(params, "limit");
  if (value === null) return DEFAULT_LIMIT;
  const limit = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw apiError(400, `The parameter "limit" must be a whole number from 1 to ${MAX_LIMIT}.`);
  }
  return limit;
}

/** A code parameter that must name something the database knows, retired or not. */
function codeParam(params: URLSearchParams, name: "entity" | "kpi", known: string[]): string | null {
  const value = queryParam(params, name);
  if (value === null) return null;
  if (!known.includes(value)) throw apiError(400, `The parameter "${name}" names no known ${name}: ${JSON.stringify(value.slice(0, 40))}.`);
  return value;
}

export const loader = apiLoader((request) => {
  const user = requireApiUser(request);
  const params = new URL(request.url).searchParams;
  const from = monthParam(params, "from");
  const to = monthParam(params, "to");
  if (from !== null && to !== null && from > to) {
    throw apiError(400, `The parameter "from" (${from}) must not be after "to" (${to}).`);
  }
  const limit = limitParam(params);
  const cursorText = queryParam(params, "cursor");
  const after = cursorText === null ? 0 : decodeCursor(cursorText);
  if (after === null) throw apiError(400, `The parameter "cursor" must be a "next" value this API returned.`);

  const database = db();
  // Retired entities and KPIs included: their figures stay readable.
  const entityCodes = database.select({ code: s.entities.code }).from(s.entities).all().map((e) => e.code);
  const kpiCodes = database.select({ code: s.kpis.code }).from(s.kpis).all().map((k) => k.code);
  const entity = codeParam(params, "entity", entityCodes);
  const kpi = codeParam(params, "kpi", kpiCodes);

  // Asked for one entity: the owner must be allowed to read it. Asked for none: the entities they
  // may read (a focal point: their own; everyone else: all).
  if (entity !== null && !can(user, "entity:read", entity)) {
    throw apiError(403, `This token may not read the figures of ${entity}.`);
  }
  const readable = entity !== null ? [entity] : entityCodes.filter((code) => can(user, "entity:read", code));
  const everyEntity = readable.length === entityCodes.length;

  const rows = database
    .select({
      id: s.figures.id,
      entity: s.figures.entityCode,
      kpi: s.figures.kpiCode,
      period: s.figures.period,
      value: s.figures.value,
      numerator: s.figures.numerator,
      denominator: s.figures.denominator,
      comment: s.figures.comment,
      status: s.figures.status,
      source: s.figures.source,
      updatedAt: s.figures.updatedAt,
    })
    .from(s.figures)
    .where(
      and(
        approved(),
        gt(s.figures.id, after),
        everyEntity ? undefined : inArray(s.figures.entityCode, readable),
        kpi !== null ? eq(s.figures.kpiCode, kpi) : undefined,
        from !== null ? gte(s.figures.period, from) : undefined,
        to !== null ? lte(s.figures.period, to) : undefined,
      ),
    )
    .orderBy(asc(s.figures.id))
    // One more than asked: whether there is a next page, without counting them all.
    .limit(limit + 1)
    .all();

  const page = rows.slice(0, limit);
  const next = rows.length > limit ? encodeCursor(page[page.length - 1].id) : null;
  return apiJson({ figures: page.map(({ id: _id, ...figure }) => figure), next });
});

/** POST, PUT, PATCH, DELETE: the read API only reads. */
export const action = methodNotAllowed("GET");
