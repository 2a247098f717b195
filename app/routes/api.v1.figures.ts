// GET /api/v1/figures: approved monthly figures, for scripts and other systems, a page at a time.
// ?from=YYYY-MM&to=YYYY-MM&entity=CODE&kpi=CODE&limit=N&cursor=… — all optional. Pages follow the
// figures' ids, so a page boundary never moves when figures are approved meanwhile: a figure
// approved later either has a higher id (and comes in a later page) or was already seen.
// POST sends an entity's figures: see the action, below.
import { and, asc, eq, gt, gte, inArray, lte } from "drizzle-orm";
import { apiError, apiJson, apiLoader, JSON_HEADERS, monthParam, queryParam, requireApiUser } from "~/auth/api.server";
import { approved } from "~/models/report.server";
import { can } from "~/auth/permissions";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { periodOf } from "~/figures/month";
import { readCsvFigures, readJsonFigures, sentProblems, type SentProblem } from "~/figures/api-input.server";
import { saveFigureBatch } from "~/models/entry.server";
import { checkFigureRows, loadFigureRules } from "~/models/figures.server";
import { IDEMPOTENCY_KEY_PATTERN, idempotently, requestHash, type ApiAnswer } from "~/models/idempotency.server";
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

// POST /api/v1/figures: an entity's own system sends its figures (issue 12, item 6). The token
// must be a focal point's, and every figure their entity's. JSON or the contract's CSV; the rows
// are checked by checkFigureRows and saved by saveFigureBatch, as the upload and the form do:
// all or nothing, drafts (or submitted with ?submit=true), history kept. ?dryRun=true says what
// would happen and writes nothing. An Idempotency-Key makes a retry safe. See the README.

const FLAG_VALUES = new Set(["true", "false"]);

/** A true/false parameter; absent is false. */
function flagParam(params: URLSearchParams, name: string): boolean {
  const value = queryParam(params, name);
  if (value === null) return false;
  if (!FLAG_VALUES.has(value)) throw apiError(400, `The parameter "${name}" must be true or false.`);
  return value === "true";
}

/** What the body is: JSON or the contract's CSV, in UTF-8; anything else is a 415. */
function bodyKind(request: Request): "json" | "csv" {
  const [type, ...parameters] = (request.headers.get("Content-Type") ?? "").split(";").map((p) => p.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (charset === undefined || charset === "utf-8" || charset === "utf8") {
    if (type === "application/json") return "json";
    if (type === "text/csv") return "csv";
  }
  throw apiError(415, "Send figures as Content-Type: application/json or text/csv, in UTF-8.", { "Accept-Post": "application/json, text/csv" });
}

const tooLarge = (limit: number) => apiError(413, `The body is larger than ${limit} bytes: send fewer figures at a time.`);

/**
 * The body, read up to `limit` bytes and no further: the server refuses a larger declared length
 * before this runs, but the route is its own guard (a chunked body, another server in front).
 */
async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function idempotencyKey(request: Request): string | null {
  const key = request.headers.get("Idempotency-Key");
  if (key === null) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw apiError(400, "The Idempotency-Key header must be 1 to 200 printable ASCII characters, without spaces.");
  }
  return key;
}

const answer = (status: number, body: unknown, keep = false): ApiAnswer & { keep: boolean } => ({
  status,
  body: JSON.stringify(body),
  keep,
});
const errorAnswer = (status: number, message: string, errors?: SentProblem[]) =>
  answer(status, { error: { status, message, ...(errors ? { errors } : {}) } });

function refused(problems: SentProblem[]) {
  const lines = new Set(problems.map((p) => p.line ?? 0)).size;
  return errorAnswer(
    400,
    `${lines === 1 ? "1 figure was" : `${lines} figures were`} refused (the errors name each one by its line); nothing was written.`,
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
  );
}

export const action = apiLoader(async (request) => {
  if (request.method !== "POST") {
    throw apiError(405, "This endpoint takes GET and POST only.", { Allow: "GET, POST" });
  }
  const user = requireApiUser(request);
  // Only those who enter figures may send them: a focal point, for their own entity.
  const entity = user.entityCode;
  if (entity === null || !can(user, "figures:enter", entity)) {
    throw apiError(403, "This token may not send figures: only a focal point's token may, for their own entity.");
  }
  const params = new URL(request.url).searchParams;
  const submit = flagParam(params, "submit");
  const dryRun = flagParam(params, "dryRun");
  const key = idempotencyKey(request);
  const kind = bodyKind(request);
  const limit = env().UPLOAD_MAX_BYTES;
  const bytes = await readBody(request, limit);
  const now = new Date();

  const handle = (): ApiAnswer & { keep: boolean } => {
    let text: string;
    try {
      // The decoder drops a UTF-8 byte order mark.
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return errorAnswer(400, "The body is not UTF-8 text.");
    }
    const sent = kind === "json" ? readJsonFigures(text) : readCsvFigures(text);
    if (!sent.ok) return errorAnswer(sent.status, sent.message);
    // A figure without an entity is a bad figure (400, below), not another entity's.
    const others = sent.rows.filter((row) => row.raw.entity.trim() !== "" && row.raw.entity.trim() !== entity);
    if (others.length > 0) {
      const first = others[0];
      return errorAnswer(
        403,
        `This token may send figures of ${entity} only; figure ${sent.toLine(first.line)} names ${JSON.stringify(first.raw.entity.trim().slice(0, 40))}${others.length > 1 ? ` (and ${others.length - 1} more)` : ""}. Nothing was written.`,
      );
    }
    const currentPeriod = periodOf(now);
    const checked = checkFigureRows(sent.rows, loadFigureRules(db(), currentPeriod), [], { onlyEntity: entity });
    const problems = [...sent.problems, ...checked.errors.flatMap((e) => sentProblems(e, sent.toLine, sent.fileLines))];
    if (problems.length > 0) return refused(problems);
    const saved = saveFigureBatch(db(), {
      entity,
      figures: checked.figures,
      intent: submit ? "submit" : "save",
      dryRun,
      actor: user.email,
      now,
      currentPeriod,
      jumpShare: env().FIGURE_JUMP_SHARE,
    });
    if (!saved.ok) return refused(saved.errors.flatMap((e) => sentProblems(e, sent.toLine, sent.fileLines)));
    const { ok: _ok, ...counts } = saved;
    return answer(200, { dryRun, submit, ...counts }, true);
  };

  // A dry run writes nothing, so it needs no key: it is neither looked up nor kept.
  if (key === null || dryRun) {
    const { keep: _keep, ...result } = handle();
    return new Response(result.body, { status: result.status, headers: JSON_HEADERS });
  }
  const result = idempotently(
    db(),
    {
      userId: user.id,
      tokenId: user.tokenId,
      key,
      requestHash: requestHash({ method: request.method, url: request.url, contentType: kind, body: bytes }),
      now,
    },
    handle,
  );
  if (result.kind === "mismatch") {
    throw apiError(
      409,
      `This Idempotency-Key was used at ${result.firstAt} for a different request (another body or parameters). Send a new key with a new request.`,
    );
  }
  return new Response(result.answer.body, {
    status: result.answer.status,
    headers: { ...JSON_HEADERS, ...(result.kind === "replayed" ? { "Idempotent-Replayed": "true" } : {}) },
  });
});
