// The read API and the page that issues its tokens, end to end: the route modules' loaders and
// actions called with real requests, against a real SQLite file synced from the real definitions.
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "api-route-test-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import { and, asc, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import type { Role } from "../../db/schema";
import { hashPasswordSync } from "~/auth/password.server";
import { createSession } from "~/auth/session.server";
import { reportJson } from "~/compliance/report-format";
import { loadDefinitions } from "~/definitions/load.server";
import { importFiguresCsv } from "~/models/figures.server";
import { reportFor } from "~/models/report.server";
import { syncDefinitions } from "~/models/sync.server";
import { createToken, listTokens, revokeToken, userForToken } from "~/models/tokens.server";
import { createUser, setUserDisabled, setUserPassword, type User } from "~/models/users.server";
import { db } from "~/utils/db.server";
import * as figuresRoute from "./api.v1.figures";
import * as reportRoute from "./api.v1.report";
import * as editionsRoute from "./api.v1.editions";
import { lockPeriod } from "~/models/entry.server";
import { action as tokensAction, loader as tokensLoader } from "./settings.tokens";
import { settle, type Outcome } from "../../tests/helpers/route";
import { csrfFor } from "../../tests/helpers/csrf";

const CSRF = "c".repeat(20) + "S_r-F".repeat(4) + "tok"; // 43 base64url characters
const PERIOD = "2018-12";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

// ---------------------------------------------------------------------------------------------
// Calling the routes

const reportLoader = reportRoute.loader;
const figuresLoader = figuresRoute.loader;

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
const ENDPOINTS: Array<{ name: string; loader: Loader; url: string }> = [
  { name: "report", loader: reportLoader, url: `/api/v1/report?period=${PERIOD}` },
  { name: "figures", loader: figuresLoader, url: "/api/v1/figures" },
];

/** A GET with an Authorization header: a token (sent as Bearer), a whole header, or none. */
function api(loader: Loader, url: string, auth: { token?: string; header?: string; cookie?: string } = {}) {
  const headers: Record<string, string> = {};
  if (auth.token !== undefined) headers.Authorization = `Bearer ${auth.token}`;
  if (auth.header !== undefined) headers.Authorization = auth.header;
  if (auth.cookie !== undefined) headers.Cookie = auth.cookie;
  return settle(() => loader({ request: new Request(`http://localhost${url}`, { headers }), params: {}, context: {} }));
}

interface ApiErrorBody {
  error: { status: number; message: string };
}

/** An API error as the brief wants it: JSON, the status in body and line, never HTML. */
function expectApiError(outcome: Outcome, status: number) {
  expect(outcome.status).toBe(status);
  expect(outcome.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(outcome.headers.get("Cache-Control")).toBe("no-store");
  const body = outcome.body as ApiErrorBody;
  expect(body).toEqual({ error: { status, message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(body.error.message).not.toMatch(/<(!doctype|html|body)/i);
  return body.error.message;
}

interface FiguresBody {
  figures: Array<{
    entity: string;
    kpi: string;
    period: string;
    value: number;
    numerator: number | null;
    denominator: number | null;
    comment: string | null;
    status: string;
    source: string;
    updatedAt: string;
  }>;
  next: string | null;
}
type ReportBody = ReturnType<typeof reportJson>;

interface PostOptions {
  csrf?: string | null;
  session?: string | null;
}

function post(fields: Record<string, string>, options: PostOptions = {}) {
  const body = new URLSearchParams(fields);
  const cookie = [options.session ? `sid=${options.session}` : null, `csrf=${CSRF}`].filter(Boolean).join("; ");
  const csrf = options.csrf === undefined ? csrfFor(cookie) : options.csrf;
  if (csrf !== null) body.set("csrf", csrf);
  const request = new Request("http://localhost/settings/tokens", { method: "POST", body, headers: { Cookie: cookie } });
  return settle(() => tokensAction({ request, params: {}, context: {} }));
}

function page(session: string | null) {
  const request = new Request("http://localhost/settings/tokens", {
    headers: session ? { Cookie: `sid=${session}` } : {},
  });
  return settle(() => tokensLoader({ request, params: {}, context: {} }));
}

// ---------------------------------------------------------------------------------------------
// The database

let passwordHash: string;
let nextUser = 0;
function makeUser(role: Role, entityCode: string | null = null): User {
  const email = `${role}${++nextUser}@example.com`;
  return createUser(db(), { email, name: email, role, entityCode, passwordHash }, "test", new Date());
}

const people = {} as Record<"admin" | "executive" | "analyst" | "focalRta" | "focalDm", User>;
const tokens = {} as Record<keyof typeof people, string>;
const sessions = {} as Record<keyof typeof people, string>;

const ENTITIES = ["RTA", "DM", "DEWA"];
const figuresCsv = () => {
  const lines = ["entity,kpi,period,value,numerator,denominator,comment"];
  for (const [i, entity] of ENTITIES.entries()) {
    for (const period of ["2018-10", "2018-11", "2018-12"]) {
      lines.push(`${entity},SMART_ADOPTION,${period},,${800 + i * 50 + Number(period.slice(5))},1000,`);
      lines.push(`${entity},SERVICE_REQUEST_DAYS,${period},${3 + i},,,"a comment, quoted"`);
    }
    lines.push(`${entity},GIN_CONNECTED,2018-12,yes,,,`);
  }
  return lines.join("\n") + "\n";
};
/** 3 entities × (2 KPIs × 3 months + 1) */
const APPROVED = 21;

beforeAll(() => {
  const definitions = loadDefinitions(path.resolve(__dirname, "../../kpi-definitions"));
  if (!definitions.ok) throw new Error(JSON.stringify(definitions.errors));
  syncDefinitions(db(), definitions.definitions, new Date().toISOString());
  passwordHash = hashPasswordSync("correct horse battery staple");
  const imported = importFiguresCsv(db(), figuresCsv(), { actor: "test", now: new Date(), currentPeriod: "2026-11" });
  if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
  expect(imported.imported).toBe(APPROVED);
  // Figures not yet approved: the API must never show them.
  for (const [entity, status] of [
    ["RTA", "submitted"],
    ["DM", "draft"],
    ["DEWA", "returned"],
  ] as const) {
    const at = new Date().toISOString();
    db().insert(s.figures)
      .values({
        entityCode: entity,
        kpiCode: "OPEN_DATASETS",
        period: PERIOD,
        value: 12,
        status,
        source: "form",
        enteredBy: "test",
        enteredAt: at,
        updatedBy: "test",
        updatedAt: at,
      })
      .run();
  }

  people.admin = makeUser("admin");
  people.executive = makeUser("executive");
  people.analyst = makeUser("analyst");
  people.focalRta = makeUser("focal-point", "RTA");
  people.focalDm = makeUser("focal-point", "DM");
  for (const key of Object.keys(people) as Array<keyof typeof people>) {
    // The page is for analysts and administrators; the API honours any valid token.
    tokens[key] = createToken(db(), people[key].id, `${key}'s script`, new Date()).token;
    sessions[key] = createSession(db(), people[key].id, new Date()).token;
  }
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

/** Every page of /api/v1/figures for a query, following next. */
async function walk(token: string, query: string, limit: number) {
  const seen: FiguresBody["figures"] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const params = new URLSearchParams(query);
    params.set("limit", String(limit));
    if (cursor !== null) params.set("cursor", cursor);
    const outcome = await api(figuresLoader, `/api/v1/figures?${params}`, { token });
    expect(outcome.status).toBe(200);
    const body = outcome.body as FiguresBody;
    pages.push(body.figures.length);
    seen.push(...body.figures);
    cursor = body.next;
    if (cursor === null) return { seen, pages };
  }
  throw new Error("the cursor never ended");
}

const approvedInDb = (filter: { entity?: string } = {}) =>
  db()
    .select()
    .from(s.figures)
    .where(and(eq(s.figures.status, "approved"), filter.entity ? eq(s.figures.entityCode, filter.entity) : undefined))
    .orderBy(asc(s.figures.id))
    .all();

const key = (f: { entity?: string; entityCode?: string; kpi?: string; kpiCode?: string; period: string }) =>
  `${f.entity ?? f.entityCode}/${f.kpi ?? f.kpiCode}/${f.period}`;

// ---------------------------------------------------------------------------------------------

describe("the read API refuses requests without a valid token", () => {
  for (const endpoint of ENDPOINTS) {
    const cases: Array<[string, () => { token?: string; header?: string; cookie?: string }]> = [
      ["no Authorization header", () => ({})],
      ["an empty Authorization header", () => ({ header: "" })],
      ["the scheme alone", () => ({ header: "Bearer" })],
      ["another scheme", () => ({ header: `Basic ${Buffer.from("admin:pw").toString("base64")}` })],
      ["a token without its scheme", () => ({ header: tokens.admin })],
      ["two words after Bearer", () => ({ header: `Bearer ${tokens.admin} extra` })],
      ["a token of the wrong shape", () => ({ token: "not-a-token" })],
      ["a token one character short", () => ({ token: tokens.admin.slice(0, -1) })],
      ["an unknown token", () => ({ token: `kpi_${"A".repeat(43)}` })],
      ["a session cookie instead of a token", () => ({ cookie: `sid=${sessions.admin}` })],
    ];
    for (const [name, auth] of cases) {
      it(`${endpoint.name}: ${name} is a 401 in JSON with WWW-Authenticate`, async () => {
        const outcome = await api(endpoint.loader, endpoint.url, auth());
        expectApiError(outcome, 401);
        expect(outcome.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="kpi-api"/);
      });
    }

    it(`${endpoint.name}: a revoked token is a 401, and the same token worked before`, async () => {
      const user = makeUser("analyst");
      const { token, row } = createToken(db(), user.id, "soon revoked", new Date());
      expect((await api(endpoint.loader, endpoint.url, { token })).status).toBe(200);
      expect(revokeToken(db(), user.id, row.id, new Date())).toBe(true);
      const outcome = await api(endpoint.loader, endpoint.url, { token });
      expectApiError(outcome, 401);
      expect(outcome.headers.get("WWW-Authenticate")).toBe('Bearer realm="kpi-api", error="invalid_token"');
    });

    it(`${endpoint.name}: a disabled owner's token is a 401, and stays revoked once they are enabled again`, async () => {
      const user = makeUser("executive");
      const { token } = createToken(db(), user.id, "owner disabled", new Date());
      setUserDisabled(db(), user.id, true, "test", new Date());
      const outcome = await api(endpoint.loader, endpoint.url, { token });
      expectApiError(outcome, 401);
      expect(outcome.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      setUserDisabled(db(), user.id, false, "test", new Date());
      expectApiError(await api(endpoint.loader, endpoint.url, { token }), 401);
      // A token made after re-enabling works.
      const fresh = createToken(db(), user.id, "after re-enabling", new Date()).token;
      expect((await api(endpoint.loader, endpoint.url, { token: fresh })).status).toBe(200);
    });

    it(`${endpoint.name}: API tokens end when an administrator resets the password`, async () => {
      const user = makeUser("analyst");
      const { token } = createToken(db(), user.id, "before the reset", new Date());
      expect((await api(endpoint.loader, endpoint.url, { token })).status).toBe(200);
      setUserPassword(db(), user.id, hashPasswordSync("a-brand-new-password"), "admin@example.com", new Date());
      expectApiError(await api(endpoint.loader, endpoint.url, { token }), 401);
    });
  }

  it("tells no more about a revoked token than about one never issued", async () => {
    const user = makeUser("analyst");
    const { token, row } = createToken(db(), user.id, "revoked", new Date());
    revokeToken(db(), user.id, row.id, new Date());
    const revoked = await api(reportLoader, ENDPOINTS[0].url, { token });
    const unknown = await api(reportLoader, ENDPOINTS[0].url, { token: `kpi_${"B".repeat(43)}` });
    expect(revoked.body).toEqual(unknown.body);
  });

  it("are resource routes: the report only reads, figures also take POST; any other method answers 405 in the API's own error shape", async () => {
    for (const route of [reportRoute, figuresRoute]) expect(Object.keys(route).sort()).toEqual(["action", "loader"]);
    // Remix sends every method but GET and HEAD to the action; the report's answer ignores the request.
    const outcome = await settle(() => reportRoute.action());
    expectApiError(outcome, 405);
    expect(outcome.headers.get("Allow")).toBe("GET");
    // Figures take POST (tests/integration/figures-api.test.ts), and no other method, before any token is read.
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const request = new Request("http://localhost/api/v1/figures", { method, body: "{}" });
      const refused = await settle(() => figuresRoute.action({ request }));
      expectApiError(refused, 405);
      expect(refused.headers.get("Allow")).toBe("GET, POST");
    }
  });
});

describe("GET /api/v1/report", () => {
  it("answers an administrator with exactly reportJson(reportFor(...)), as JSON that no cache keeps", async () => {
    const outcome = await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token: tokens.admin });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(outcome.headers.get("Cache-Control")).toBe("no-store");
    // And `edition`: null while the month is provisional (not locked, nothing published).
    const expected = JSON.parse(JSON.stringify({ ...reportJson(reportFor(db(), PERIOD)), edition: null }));
    expect(outcome.body).toEqual(expected);
    const body = outcome.body as ReportBody;
    // Not a vacuous equality: the report has figures of the three entities and city rows.
    const rta = body.rows.find((r) => r.kpi === "SMART_ADOPTION" && r.entity === "RTA");
    expect(rta?.actual).toBeCloseTo(81.2, 10); // 100 × 812 ÷ 1000
    const city = body.rows.find((r) => r.kpi === "SMART_ADOPTION" && r.entity === null);
    expect(city?.actual).toBeCloseTo((100 * (812 + 862 + 912)) / 3000, 10); // ratio of sums
    for (const entity of [null, ...ENTITIES]) expect(body.rows.some((r) => r.entity === entity), String(entity)).toBe(true);
    expect(body.entities.length).toBeGreaterThan(10);
  });

  it("answers the executive and the analyst with the whole report too", async () => {
    const full = (await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token: tokens.admin })).body;
    for (const who of ["executive", "analyst"] as const) {
      const outcome = await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token: tokens[who] });
      expect(outcome.status, who).toBe(200);
      expect(outcome.body, who).toEqual(full);
    }
  });

  it("answers a focal point with the city rows and their own entity's, nothing of another entity", async () => {
    const full = (await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token: tokens.admin })).body as ReportBody;
    const outcome = await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token: tokens.focalRta });
    expect(outcome.status).toBe(200);
    const body = outcome.body as ReportBody;
    expect(new Set(body.rows.map((r) => r.entity))).toEqual(new Set([null, "RTA"]));
    expect(body.rows).toEqual(full.rows.filter((r) => r.entity === null || r.entity === "RTA"));
    expect(body.rows.filter((r) => r.entity === null)).toHaveLength(full.rows.filter((r) => r.entity === null).length);
    expect(body.entities.map((e) => e.code)).toEqual(["RTA"]);
    expect(body.entities[0]).toEqual(full.entities.find((e) => e.code === "RTA"));
    // The strategy roll-ups are city-level: kept whole.
    for (const part of ["initiatives", "policies", "pillars", "dimensions"] as const) {
      expect(body[part], part).toEqual(full[part]);
    }
    expect(body.period).toBe(PERIOD);
    expect(JSON.stringify(body)).not.toMatch(/"entity":"(DM|DEWA)"/);

    const dm = (await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token: tokens.focalDm })).body as ReportBody;
    expect(new Set(dm.rows.map((r) => r.entity))).toEqual(new Set([null, "DM"]));
    expect(dm.entities.map((e) => e.code)).toEqual(["DM"]);
  });

  const badPeriods: Array<[string, string]> = [
    ["no period", ""],
    ["an empty period", "?period="],
    ["month 13", "?period=2018-13"],
    ["month 00", "?period=2018-00"],
    ["no dash", "?period=201812"],
    ["a day", "?period=2018-12-01"],
    ["Arabic-Indic digits", `?period=${encodeURIComponent("٢٠١٨-١٢")}`],
    ["two periods", "?period=2018-12&period=2018-11"],
  ];
  for (const [name, query] of badPeriods) {
    it(`answers ${name} with a 400 in JSON naming the parameter`, async () => {
      const outcome = await api(reportLoader, `/api/v1/report${query}`, { token: tokens.admin });
      expect(expectApiError(outcome, 400)).toContain('"period"');
    });
  }

  it("checks the token before the parameters: no token and a bad period is a 401", async () => {
    expectApiError(await api(reportLoader, "/api/v1/report?period=nope"), 401);
  });
});

describe("GET /api/v1/figures", () => {
  it("answers an administrator with approved figures only, ordered, with every field", async () => {
    const outcome = await api(figuresLoader, "/api/v1/figures", { token: tokens.admin });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(outcome.headers.get("Cache-Control")).toBe("no-store");
    const body = outcome.body as FiguresBody;
    expect(body.next).toBeNull();
    expect(body.figures).toHaveLength(APPROVED);
    expect(body.figures.map(key)).toEqual(approvedInDb().map(key));
    expect(body.figures.every((f) => f.status === "approved")).toBe(true);
    expect(body.figures.some((f) => f.kpi === "OPEN_DATASETS")).toBe(false);
    const rta = body.figures.find((f) => key(f) === "RTA/SMART_ADOPTION/2018-12")!;
    expect(rta).toEqual({
      entity: "RTA",
      kpi: "SMART_ADOPTION",
      period: "2018-12",
      value: 81.2,
      numerator: 812,
      denominator: 1000,
      comment: null,
      status: "approved",
      source: "import",
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(body.figures.find((f) => key(f) === "DM/SERVICE_REQUEST_DAYS/2018-11")).toMatchObject({
      value: 4,
      numerator: null,
      denominator: null,
      comment: "a comment, quoted",
    });
  });

  it("answers the executive and the analyst with every entity's figures", async () => {
    for (const who of ["executive", "analyst"] as const) {
      const body = (await api(figuresLoader, "/api/v1/figures", { token: tokens[who] })).body as FiguresBody;
      expect(new Set(body.figures.map((f) => f.entity)), who).toEqual(new Set(ENTITIES));
      expect(body.figures, who).toHaveLength(APPROVED);
    }
  });

  it("answers a focal point with their own entity's figures only", async () => {
    const outcome = await api(figuresLoader, "/api/v1/figures", { token: tokens.focalRta });
    expect(outcome.status).toBe(200);
    const body = outcome.body as FiguresBody;
    expect(body.figures.map(key)).toEqual(approvedInDb({ entity: "RTA" }).map(key));
    expect(body.figures).toHaveLength(7);
    const asked = await api(figuresLoader, "/api/v1/figures?entity=RTA", { token: tokens.focalRta });
    expect(asked.body).toEqual(body);
    const dm = (await api(figuresLoader, "/api/v1/figures", { token: tokens.focalDm })).body as FiguresBody;
    expect(new Set(dm.figures.map((f) => f.entity))).toEqual(new Set(["DM"]));
  });

  it("refuses a focal point another entity's figures with a 403 in JSON", async () => {
    for (const entity of ["DM", "DEWA"]) {
      const outcome = await api(figuresLoader, `/api/v1/figures?entity=${entity}`, { token: tokens.focalRta });
      expect(expectApiError(outcome, 403)).toContain(entity);
    }
    expectApiError(await api(figuresLoader, "/api/v1/figures?entity=RTA", { token: tokens.focalDm }), 403);
  });

  it("filters by months, entity and KPI", async () => {
    const body = (
      await api(figuresLoader, "/api/v1/figures?from=2018-11&to=2018-12&entity=DM&kpi=SMART_ADOPTION", {
        token: tokens.analyst,
      })
    ).body as FiguresBody;
    expect(body.figures.map(key)).toEqual(["DM/SMART_ADOPTION/2018-11", "DM/SMART_ADOPTION/2018-12"]);
    const fromOnly = (await api(figuresLoader, "/api/v1/figures?from=2018-12", { token: tokens.analyst })).body as FiguresBody;
    expect(fromOnly.figures).toHaveLength(9); // 3 entities × 3 KPIs in December
    const toOnly = (await api(figuresLoader, "/api/v1/figures?to=2018-10", { token: tokens.analyst })).body as FiguresBody;
    expect(toOnly.figures).toHaveLength(6);
    const oneMonth = (await api(figuresLoader, "/api/v1/figures?from=2018-11&to=2018-11", { token: tokens.analyst }))
      .body as FiguresBody;
    expect(new Set(oneMonth.figures.map((f) => f.period))).toEqual(new Set(["2018-11"]));
    const none = (await api(figuresLoader, "/api/v1/figures?from=2019-01", { token: tokens.analyst })).body;
    expect(none).toEqual({ figures: [], next: null });
  });

  it("walks every figure two at a time, without duplicates, ending with null", async () => {
    const { seen, pages } = await walk(tokens.admin, "", 2);
    expect(seen.map(key)).toEqual(approvedInDb().map(key));
    expect(new Set(seen.map(key)).size).toBe(APPROVED);
    expect(pages).toEqual([...Array(10).fill(2), 1]);
  });

  it("walks an exact multiple of the limit without an empty page at the end", async () => {
    const { seen, pages } = await walk(tokens.admin, "", 3);
    expect(seen).toHaveLength(APPROVED);
    expect(pages).toEqual(Array(7).fill(3));
  });

  it("walks a focal point's figures and a filtered query the same way", async () => {
    const focal = await walk(tokens.focalRta, "", 2);
    expect(focal.seen.map(key)).toEqual(approvedInDb({ entity: "RTA" }).map(key));
    expect(focal.pages).toEqual([2, 2, 2, 1]);
    const filtered = await walk(tokens.executive, "kpi=SERVICE_REQUEST_DAYS&from=2018-11", 4);
    expect(filtered.seen.map(key).sort()).toEqual(
      ENTITIES.flatMap((e) => ["2018-11", "2018-12"].map((p) => `${e}/SERVICE_REQUEST_DAYS/${p}`)).sort(),
    );
    expect(filtered.pages).toEqual([4, 2]);
  });

  it("takes 500 figures by default and up to 5000", async () => {
    expect(((await api(figuresLoader, "/api/v1/figures?limit=5000", { token: tokens.admin })).body as FiguresBody).figures)
      .toHaveLength(APPROVED);
    expect(((await api(figuresLoader, "/api/v1/figures?limit=1", { token: tokens.admin })).body as FiguresBody).next).not.toBeNull();
  });

  const cursorOf = (text: string) => Buffer.from(text).toString("base64url");
  const badQueries: Array<[string, string, string]> = [
    ["a malformed from", "from=2018-1", "from"],
    ["month 13 in to", "to=2018-13", "to"],
    ["an empty from", "from=", "from"],
    ["from after to", "from=2018-12&to=2018-11", "from"],
    ["limit 0", "limit=0", "limit"],
    ["limit 5001", "limit=5001", "limit"],
    ["a negative limit", "limit=-1", "limit"],
    ["a fractional limit", "limit=1.5", "limit"],
    ["a limit in words", "limit=ten", "limit"],
    ["an empty limit", "limit=", "limit"],
    ["a huge limit", "limit=99999999999999999999", "limit"],
    ["two limits", "limit=1&limit=2", "limit"],
    ["a cursor that is not base64url", "cursor=!!!", "cursor"],
    ["a cursor of text", `cursor=${cursorOf("hello")}`, "cursor"],
    ["a cursor of 0", `cursor=${cursorOf("0")}`, "cursor"],
    ["a cursor with a leading zero", `cursor=${cursorOf("01")}`, "cursor"],
    ["a cursor of a negative id", `cursor=${cursorOf("-5")}`, "cursor"],
    ["a cursor in standard base64 with padding", `cursor=${encodeURIComponent(Buffer.from("12").toString("base64"))}`, "cursor"],
    ["an empty cursor", "cursor=", "cursor"],
    ["an unknown entity", "entity=NOPE", "entity"],
    ["an entity in lower case", "entity=rta", "entity"],
    ["an unknown KPI", "kpi=NOPE", "kpi"],
  ];
  for (const [name, query, parameter] of badQueries) {
    it(`answers ${name} with a 400 in JSON naming "${parameter}"`, async () => {
      const outcome = await api(figuresLoader, `/api/v1/figures?${query}`, { token: tokens.admin });
      expect(expectApiError(outcome, 400)).toContain(`"${parameter}"`);
    });
  }

  it("accepts the cursor of a figure that is gone or not yet there", async () => {
    const body = (await api(figuresLoader, `/api/v1/figures?cursor=${cursorOf("999999")}`, { token: tokens.admin })).body;
    expect(body).toEqual({ figures: [], next: null });
  });
});

describe("tokens in the database", () => {
  it("keeps only the token's SHA-256 and its first 12 characters", () => {
    const user = makeUser("analyst");
    const { token, row } = createToken(db(), user.id, "stored", new Date("2026-01-02T03:04:05Z"));
    expect(token).toMatch(/^kpi_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), "base64url")).toHaveLength(32);
    expect(row).toEqual({
      id: expect.any(Number),
      name: "stored",
      prefix: token.slice(0, 12),
      createdAt: "2026-01-02T03:04:05.000Z",
      lastUsedAt: null,
      revokedAt: null,
    });
    const stored = db().select().from(s.apiTokens).where(eq(s.apiTokens.id, row.id)).get()!;
    expect(stored.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(createToken(db(), user.id, "another", new Date()).token).not.toBe(token);
  });

  it("writes lastUsedAt at most once a minute", () => {
    const user = makeUser("analyst");
    const { token, row } = createToken(db(), user.id, "touched", new Date("2026-01-01T00:00:00Z"));
    const lastUsed = () => db().select().from(s.apiTokens).where(eq(s.apiTokens.id, row.id)).get()!.lastUsedAt;
    const at = (iso: string) => userForToken(db(), token, new Date(iso));
    expect(at("2026-01-01T10:00:00Z")).toMatchObject({ id: user.id, role: "analyst", entityCode: null, email: user.email });
    expect(lastUsed()).toBe("2026-01-01T10:00:00.000Z");
    at("2026-01-01T10:00:59Z");
    expect(lastUsed()).toBe("2026-01-01T10:00:00.000Z");
    at("2026-01-01T10:01:00Z");
    expect(lastUsed()).toBe("2026-01-01T10:01:00.000Z");
  });

  it("lets only the owner revoke a token", () => {
    const owner = makeUser("analyst");
    const other = makeUser("admin");
    const { token, row } = createToken(db(), owner.id, "mine", new Date());
    expect(revokeToken(db(), other.id, row.id, new Date())).toBe(false);
    expect(userForToken(db(), token, new Date())).not.toBeNull();
    expect(revokeToken(db(), owner.id, 999999, new Date())).toBe(false);
    expect(revokeToken(db(), owner.id, row.id, new Date("2026-02-01T00:00:00Z"))).toBe(true);
    expect(userForToken(db(), token, new Date())).toBeNull();
    // Revoking again keeps the first time.
    expect(revokeToken(db(), owner.id, row.id, new Date("2026-03-01T00:00:00Z"))).toBe(true);
    expect(listTokens(db(), owner.id)[0].revokedAt).toBe("2026-02-01T00:00:00.000Z");
  });

  it("lists a person's own tokens, newest first, without their hashes", () => {
    const user = makeUser("analyst");
    createToken(db(), user.id, "first", new Date());
    createToken(db(), user.id, "second", new Date());
    const listed = listTokens(db(), user.id);
    expect(listed.map((t) => t.name)).toEqual(["second", "first"]);
    expect(listed.every((t) => !("tokenHash" in t) && !("userId" in t))).toBe(true);
  });

  it("follows the owner's role as it is now", async () => {
    const user = makeUser("analyst");
    const { token } = createToken(db(), user.id, "role changes", new Date());
    db().update(s.users).set({ role: "focal-point", entityCode: "DEWA" }).where(eq(s.users.id, user.id)).run();
    const body = (await api(figuresLoader, "/api/v1/figures", { token })).body as FiguresBody;
    expect(new Set(body.figures.map((f) => f.entity))).toEqual(new Set(["DEWA"]));
  });
});

describe("the API tokens page", () => {
  it("sends an anonymous visitor to sign in, and refuses executives", async () => {
    for (const outcome of [await page(null), await post({ intent: "create", name: "x" })]) {
      expect(outcome.status).toBe(302);
      expect(outcome.headers.get("Location")).toBe(`/login?${new URLSearchParams({ redirectTo: "/settings/tokens" })}`);
    }
    for (const who of ["executive"] as const) {
      expect((await page(sessions[who])).status, who).toBe(403);
      const before = db().select().from(s.apiTokens).all().length;
      const refused = await post({ intent: "create", name: "not allowed" }, { session: sessions[who] });
      expect(refused.status, who).toBe(403);
      expect(db().select().from(s.apiTokens).all().length, who).toBe(before);
    }
  });

  it("lets a focal point hold tokens, which act for their own entity only, and name the endpoint that sends figures", async () => {
    const listing = await page(sessions.focalRta);
    expect(listing.status).toBe(200);
    expect(listing.body).toMatchObject({ sendsFigures: true, tokens: [expect.objectContaining({ name: "focalRta's script" })] });
    expect(((await page(sessions.analyst)).body as { sendsFigures: boolean }).sendsFigures).toBe(false);
    const created = await post({ intent: "create", name: "RTA data warehouse" }, { session: sessions.focalRta });
    expect(created.status).toBe(200);
    const { token } = (created.body as { created: { token: string } }).created;
    const own = (await api(figuresLoader, "/api/v1/figures", { token })).body as FiguresBody;
    expect(new Set(own.figures.map((f) => f.entity))).toEqual(new Set(["RTA"]));
    expectApiError(await api(figuresLoader, "/api/v1/figures?entity=DM", { token }), 403);
  });

  it("lists an analyst's own tokens, without hashes", async () => {
    const outcome = await page(sessions.analyst);
    expect(outcome.status).toBe(200);
    const { tokens: listed } = outcome.body as { tokens: Array<Record<string, unknown>> };
    expect(listed.map((t) => t.name)).toEqual(["analyst's script"]);
    expect(Object.keys(listed[0]).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name", "prefix", "revokedAt"]);
    expect(listed[0].prefix).toBe(tokens.analyst.slice(0, 12));
  });

  it("creates a token: shown once in the answer, only its hash stored, and it works", async () => {
    const created = await post({ intent: "create", name: "  Power BI refresh  " }, { session: sessions.admin });
    expect(created.status).toBe(200);
    expect(created.headers.get("Cache-Control")).toBe("no-store");
    const body = created.body as { created: { token: string; name: string; prefix: string }; errors: null };
    expect(body.errors).toBeNull();
    const { token, name, prefix } = body.created;
    expect(token).toMatch(/^kpi_[A-Za-z0-9_-]{43}$/);
    expect(name).toBe("Power BI refresh");
    expect(prefix).toBe(token.slice(0, 12));
    // Stored: the hash and the prefix, never the token.
    const row = db().select().from(s.apiTokens).where(eq(s.apiTokens.tokenHash, sha256(token))).get()!;
    expect(row).toMatchObject({ userId: people.admin.id, name: "Power BI refresh", prefix });
    expect(JSON.stringify(db().select().from(s.apiTokens).all())).not.toContain(token);
    // The page afterwards lists it without the token.
    const listing = await page(sessions.admin);
    expect(JSON.stringify(listing.body)).not.toContain(token);
    expect(JSON.stringify(listing.body)).toContain("Power BI refresh");
    // And the API takes it.
    expect((await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token })).status).toBe(200);
  });

  it("revokes a token of one's own, after which the API refuses it", async () => {
    const created = await post({ intent: "create", name: "to revoke" }, { session: sessions.analyst });
    const { token } = (created.body as { created: { token: string } }).created;
    const row = db().select().from(s.apiTokens).where(eq(s.apiTokens.tokenHash, sha256(token))).get()!;
    const revoked = await post({ intent: "revoke", tokenId: String(row.id) }, { session: sessions.analyst });
    expect(revoked.status).toBe(302);
    expect(revoked.headers.get("Location")).toBe("/settings/tokens");
    expect(db().select().from(s.apiTokens).where(eq(s.apiTokens.id, row.id)).get()!.revokedAt).not.toBeNull();
    expectApiError(await api(figuresLoader, "/api/v1/figures", { token }), 401);
    const listed = (await page(sessions.analyst)).body as { tokens: Array<{ id: number; revokedAt: string | null }> };
    expect(listed.tokens.find((t) => t.id === row.id)?.revokedAt).not.toBeNull();
  });

  it("does not revoke another person's token: 404, and it keeps working", async () => {
    const adminToken = db().select().from(s.apiTokens).where(eq(s.apiTokens.tokenHash, sha256(tokens.admin))).get()!;
    const outcome = await post({ intent: "revoke", tokenId: String(adminToken.id) }, { session: sessions.analyst });
    expect(outcome.status).toBe(404);
    expect(db().select().from(s.apiTokens).where(eq(s.apiTokens.id, adminToken.id)).get()!.revokedAt).toBeNull();
    expect((await api(figuresLoader, "/api/v1/figures?limit=1", { token: tokens.admin })).status).toBe(200);
  });

  it("answers a malformed token id or an unknown intent with 400", async () => {
    const forms: Array<Record<string, string>> = [{ intent: "revoke", tokenId: "abc" }, { intent: "revoke" }, { intent: "delete-all" }, {}];
    for (const fields of forms) {
      expect((await post(fields, { session: sessions.analyst })).status, JSON.stringify(fields)).toBe(400);
    }
  });

  for (const [name, options] of [
    ["no token in the form", { csrf: null }],
    ["a token that does not match the cookie", { csrf: "d".repeat(43) }],
  ] as Array<[string, PostOptions]>) {
    it(`refuses a post with ${name}: 403, nothing created or revoked`, async () => {
      const before = JSON.stringify(db().select().from(s.apiTokens).all());
      const created = await post({ intent: "create", name: "forged" }, { ...options, session: sessions.admin });
      expect(created.status).toBe(403);
      expect(created.thrown).toBe(true);
      const adminToken = db().select().from(s.apiTokens).where(eq(s.apiTokens.tokenHash, sha256(tokens.admin))).get()!;
      const revoked = await post({ intent: "revoke", tokenId: String(adminToken.id) }, { ...options, session: sessions.admin });
      expect(revoked.status).toBe(403);
      expect(JSON.stringify(db().select().from(s.apiTokens).all())).toBe(before);
    });
  }

  const badNames: Array<[string, string]> = [
    ["an empty name", ""],
    ["a name of spaces", "    "],
    ["a name of 101 characters", "n".repeat(101)],
    ["a long Arabic name", "رمز ".repeat(30)],
  ];
  for (const [label, typed] of badNames) {
    it(`answers ${label} with 400, the error and the name as typed`, async () => {
      const before = db().select().from(s.apiTokens).all().length;
      const outcome = await post({ intent: "create", name: typed }, { session: sessions.analyst });
      expect(outcome.status).toBe(400);
      expect(outcome.body).toEqual({ values: { name: typed }, errors: { name: "tokens.error.name" }, created: null });
      expect(db().select().from(s.apiTokens).all().length).toBe(before);
    });
  }

  it("takes a name of exactly 100 characters, Arabic and emoji included", async () => {
    const name = "ر".repeat(98) + "😀";
    expect(name.length).toBe(100);
    const outcome = await post({ intent: "create", name }, { session: sessions.analyst });
    expect(outcome.status).toBe(200);
    expect((outcome.body as { created: { name: string } }).created.name).toBe(name);
  });
});

describe("published editions through the API", () => {
  it("lists none while the month is provisional, then edition 1 once it is locked, and serves each edition's report", async () => {
    const empty = await api(editionsRoute.loader, `/api/v1/editions?period=${PERIOD}`, { token: tokens.analyst });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ period: PERIOD, editions: [] });

    expect(lockPeriod(db(), PERIOD, "admin@example.com", new Date("2019-01-12T08:00:00Z"))).toBe(true);
    const listed = await api(editionsRoute.loader, `/api/v1/editions?period=${PERIOD}`, { token: tokens.analyst });
    expect(listed.body).toEqual({
      period: PERIOD,
      editions: [
        { period: PERIOD, number: 1, publishedAt: "2019-01-12T08:00:00.000Z", reason: null, report: `/api/v1/report?period=${PERIOD}&edition=1` },
      ],
    });
    const latest = await api(reportLoader, `/api/v1/report?period=${PERIOD}`, { token: tokens.admin });
    const first = await api(reportLoader, `/api/v1/report?period=${PERIOD}&edition=1`, { token: tokens.admin });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(latest.body);
    expect((first.body as { edition: { number: number } }).edition.number).toBe(1);
  });

  it("answers an edition that is not a number with 400 and one that does not exist with 404, in JSON", async () => {
    expectApiError(await api(reportLoader, `/api/v1/report?period=${PERIOD}&edition=abc`, { token: tokens.admin }), 400);
    expectApiError(await api(reportLoader, `/api/v1/report?period=${PERIOD}&edition=0`, { token: tokens.admin }), 400);
    expectApiError(await api(reportLoader, `/api/v1/report?period=${PERIOD}&edition=99999999`, { token: tokens.admin }), 400);
    expectApiError(await api(reportLoader, `/api/v1/report?period=${PERIOD}&edition=7`, { token: tokens.admin }), 404);
    expectApiError(await api(editionsRoute.loader, `/api/v1/editions?period=9999-12`, { token: tokens.admin }), 400);
    expectApiError(await api(editionsRoute.loader, `/api/v1/editions?period=${PERIOD}`), 401);
  });
});
