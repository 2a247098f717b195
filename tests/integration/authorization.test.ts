// The authorization matrix: every route module in app/routes, called directly (no parent route
// runs, as in Remix when a child's action is posted), for anonymous visitors and each role, with
// a focal point of the entity concerned and of another. A route file without a rule below fails
// the first test, so a new route cannot ship without deciding who may use it.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfFor } from "../helpers/csrf";

const dir = mkdtempSync(path.join(tmpdir(), "authz-"));
process.env.DATABASE_PATH = path.join(dir, "authz.db");
process.env.LOGIN_SLOWDOWN_MS = "0";

type Persona = "anonymous" | "admin" | "executive" | "analyst" | "focalSame" | "focalOther";
const PERSONAS: Persona[] = ["anonymous", "admin", "executive", "analyst", "focalSame", "focalOther"];

/** "login": sent to sign in; a number: that status; "changes": allowed to write (a 2xx/3xx that does its job). */
type Outcome = "login" | number;
type Expectations = Record<Persona, Outcome>;

interface RouteRule {
  /** The address to request; `:entity` becomes the entity the focal point of the same entity holds. */
  url: string;
  params?: Record<string, string>;
  get: Expectations | "no loader";
  post: Expectations | "no action";
  /** The form a POST sends (a valid CSRF token is added). */
  form?: Record<string, string>;
}

const all = (outcome: Outcome, overrides: Partial<Expectations> = {}): Expectations => ({
  anonymous: outcome,
  admin: outcome,
  executive: outcome,
  analyst: outcome,
  focalSame: outcome,
  focalOther: outcome,
  ...overrides,
});
const signedIn = (outcome: Outcome, overrides: Partial<Expectations> = {}) => all(outcome, { anonymous: "login", ...overrides });
const adminOnly = (outcome: Outcome) => signedIn(403, { admin: outcome });

let targetUserId = 0;
let figureId = 0;

const RULES: Record<string, RouteRule> = {
  "_index.tsx": { url: "/", get: signedIn(200), post: "no action" },
  // An entity's scorecard: its own focal point may read it, another entity's may not.
  "entities.$code.tsx": {
    url: "/entities/RTA",
    params: { code: "RTA" },
    get: signedIn(200, { focalOther: 403 }),
    post: "no action",
  },
  "strategy.$kind.$code.tsx": {
    url: "/strategy/policies/smart-gov-80-2018",
    params: { kind: "policies", code: "smart-gov-80-2018" },
    get: signedIn(200),
    post: "no action",
  },
  "$.tsx": { url: "/no/such/page", params: { "*": "no/such/page" }, get: signedIn(404), post: signedIn(404) },
  "kpis._index.tsx": { url: "/kpis", get: signedIn(200), post: "no action" },
  // A month's published editions and what changed between them: every signed-in role (a focal
  // point's rows are filtered, checked in editions-pages.test.ts).
  "editions.tsx": { url: "/editions?period=2018-12", get: signedIn(200), post: "no action" },
  "kpis.$code.tsx": { url: "/kpis/SMART_ADOPTION", params: { code: "SMART_ADOPTION" }, get: signedIn(200), post: "no action" },
  // Public: the language switch must work on the sign-in page.
  "locale.ts": { url: "/locale?lang=ar&to=%2Fkpis", get: all(302), post: "no action" },
  // Public: for monitors and load balancers, which do not sign in; they say nothing of the data.
  "healthz.ts": { url: "/healthz", get: all(200), post: "no action" },
  "readyz.ts": { url: "/readyz", get: all(200), post: "no action" },
  // Public: signing in. A signed-in visitor is sent on; a wrong password is 401 for anyone.
  "login.tsx": {
    url: "/login",
    get: all(302, { anonymous: 200 }),
    post: all(401),
    // One address per persona: six failures for one address would (rightly) lock it.
    form: { email: "nobody.{persona}@example.com", password: "wrong-password" },
  },
  "admin.users._index.tsx": {
    url: "/admin/users",
    get: adminOnly(200),
    post: adminOnly(302),
    form: { email: "new.user@example.com", name: "New User", role: "executive", entityCode: "", password: "a-long-password" },
  },
  "admin.users.$id.tsx": {
    url: "/admin/users/:target",
    params: { id: ":target" },
    get: adminOnly(200),
    post: adminOnly(200),
    form: { intent: "enable" },
  },
  "figures._index.tsx": { url: "/figures", get: signedIn(200), post: "no action" },
  // Each role's home; an executive's home is the overview.
  "round.tsx": { url: "/round", get: signedIn(200, { executive: 302 }), post: "no action" },
  "notices._index.tsx": { url: "/notices", get: signedIn(200), post: signedIn(200), form: { intent: "read-all" } },
  "notices.preferences.tsx": { url: "/notices/preferences", get: signedIn(200), post: signedIn(200), form: { locale: "en" } },
  "outbox.tsx": { url: "/outbox", get: adminOnly(200), post: "no action" },
  "figures.open.ts": {
    url: "/figures/open?period=2021-01",
    get: signedIn(403, { focalSame: 302, focalOther: 302 }),
    post: "no action",
  },
  // Entering figures: RTA's focal point only; everyone else reads (the other focal point not at all).
  "figures.$entity.$period.tsx": {
    url: "/figures/RTA/2021-01",
    params: { entity: "RTA", period: "2021-01" },
    get: signedIn(200, { focalOther: 403 }),
    post: signedIn(403, { focalSame: 302 }),
    form: { intent: "save", "version.SMART_ADOPTION": "", "numerator.SMART_ADOPTION": "900", "denominator.SMART_ADOPTION": "1000" },
  },
  "figures.$entity.$period.template.ts": {
    url: "/figures/RTA/2021-01/template",
    params: { entity: "RTA", period: "2021-01" },
    get: signedIn(403, { focalSame: 200 }),
    post: "no action",
  },
  "review.tsx": {
    url: "/review",
    get: signedIn(403, { analyst: 200 }),
    post: signedIn(403, { analyst: 404 }),
    form: { figureId: "999999", intent: "approve" },
  },
  "periods.tsx": { url: "/periods", get: adminOnly(200), post: adminOnly(200), form: { intent: "lock", period: "2019-01", confirm: "yes" } },
  "history.$id.tsx": {
    url: "/history/:figure",
    params: { id: ":figure" },
    get: signedIn(200, { focalOther: 403 }),
    post: "no action",
  },
  // Printing needs the server's own port: here only the refusals are checked. Every role may
  // print what it reads (executives and focal points too: "reports:print"), so a bad path is a
  // 400 for all, before any browser starts; another entity's scorecard is a 403 for a focal
  // point (tests/integration/pdf-export.test.ts).
  "export.pdf.ts": { url: "/export/pdf?path=https%3A%2F%2Fevil.example", get: signedIn(400), post: "no action" },
  "reports._index.tsx": { url: "/reports?from=2020-11&to=2020-12", get: signedIn(403, { admin: 200, analyst: 200 }), post: "no action" },
  "reports.download.ts": { url: "/reports/download?from=2020-12&to=2020-12", get: signedIn(403, { admin: 200, analyst: 200 }), post: "no action" },
  // The read API answers tokens, not sessions: 401 for every cookie.
  // The read API answers other methods 405, and unknown addresses a JSON 404, signed in or not.
  "api.v1.report.ts": { url: "/api/v1/report?period=2020-12", get: all(401), post: all(405) },
  "api.v1.editions.ts": { url: "/api/v1/editions?period=2020-12", get: all(401), post: all(405) },
  // Figures may be sent (POST) with a focal point's token: a session cookie, even with a CSRF token, is a 401.
  "api.v1.figures.ts": { url: "/api/v1/figures?entity=RTA", get: all(401), post: all(401) },
  "api.v1.$.ts": { url: "/api/v1/nope", params: { "*": "nope" }, get: all(404), post: all(404) },
  "api.$.ts": { url: "/api/v2/x", params: { "*": "v2/x" }, get: all(404), post: all(404) },
  "settings.tokens.tsx": {
    url: "/settings/tokens",
    // Focal points too: their entity's systems send its figures with a token (POST /api/v1/figures).
    get: signedIn(200, { executive: 403 }),
    post: signedIn(200, { executive: 403 }),
    form: { intent: "create", name: "Matrix token" },
  },
  // Anyone signed in changes their own password; a wrong current password is a 400.
  "settings.password.tsx": {
    url: "/settings/password",
    get: signedIn(200),
    post: signedIn(400),
    form: { current: "not-the-password", next: "a-new-long-password", confirm: "a-new-long-password" },
  },
  // An entity's commentary and plans: read by whoever reads its scorecard, written by its own
  // focal points only (RTA's off-track November 2020 is imported below).
  "follow-up.$entity.$period.tsx": {
    url: "/follow-up/RTA/2020-11",
    params: { entity: "RTA", period: "2020-11" },
    get: signedIn(200, { focalOther: 403 }),
    post: signedIn(403, { focalSame: 200 }),
    form: { intent: "comment", subject: "entity", kpi: "", analysis: "Written by {persona}", recommendation: "", language: "en", basedOn: "" },
  },
  // Opening a plan where one is owed: the entity's focal points only.
  "plans.$id.tsx": {
    url: "/plans/new?entity=RTA&kpi=SMART_ADOPTION&period=2020-11",
    params: { id: "new" },
    get: signedIn(403, { focalSame: 200 }),
    post: signedIn(403, { focalSame: 302 }),
    form: {
      intent: "send",
      summary: "Plan by {persona}",
      language: "en",
      "action.0.id": "",
      "action.0.title": "Restore the e-service",
      "action.0.owner": "Digital services",
      "action.0.dueMonth": "2021-01",
      "action.0.state": "planned",
      "action.0.progress": "",
    },
  },
  // The briefing book names every entity: the office's readers only, never a focal point. A
  // request to prepare one is checked here with a language the form never sends (400), so no
  // printing starts in this test; preparing one is tests/integration/briefing.test.ts.
  "briefing._index.tsx": {
    url: "/briefing?period=2020-12",
    get: signedIn(200, { focalSame: 403, focalOther: 403 }),
    post: signedIn(403, { admin: 400, executive: 400, analyst: 400 }),
    form: { intent: "prepare", period: "2020-12", language: "fr" },
  },
  "briefing.$period.print.ts": {
    url: "/briefing/2020-12/print?lang=en",
    params: { period: "2020-12" },
    get: signedIn(403, { admin: 200, executive: 200, analyst: 200 }),
    post: "no action",
  },
  // No book of the month has been prepared: 404 for those who may read one.
  "briefing.$period.download.ts": {
    url: "/briefing/2020-12/download?lang=ar",
    params: { period: "2020-12" },
    get: signedIn(403, { admin: 404, executive: 404, analyst: 404 }),
    post: "no action",
  },
  "export.ts": { url: "/export?view=overview&format=csv&period=2020-12", get: signedIn(403, { admin: 200, analyst: 200 }), post: "no action" },
  // Last: signing out ends each persona's session.
  "logout.ts": { url: "/logout", get: all(302), post: all(302) },
};

const CSRF = "c".repeat(43);
type RouteFunction = (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
const modules: Record<string, { loader?: RouteFunction; action?: RouteFunction }> = {};
let cookies: Record<Persona, string>;
let freshAdminCookie: () => string;
let sqlite: { prepare: (sql: string) => { all: () => unknown[] } };

function fingerprint(): string {
  // Every table's rows, in a stable order: any write at all changes it.
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .all() as Array<{ name: string }>;
  const hash = createHash("sha256");
  for (const { name } of tables) hash.update(name).update(JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()));
  return hash.digest("hex");
}

async function call(fn: RouteFunction, request: Request, params: Record<string, string>) {
  try {
    const result = await fn({ request, params, context: { clientIp: "127.0.0.1" } });
    if (result instanceof Response) return { status: result.status, location: result.headers.get("Location") };
    if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
      return { status: (result as { init?: { status?: number } }).init?.status ?? 200, location: null };
    }
    return { status: 200, location: null };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location") };
    throw thrown;
  }
}

function requestFor(rule: RouteRule, persona: Persona, method: "GET" | "POST", withToken = true, session = cookies[persona]) {
  const url = `http://localhost${rule.url.replace(":target", String(targetUserId)).replace(":figure", String(figureId))}`;
  const headers = { Cookie: [session, `csrf=${CSRF}`].filter(Boolean).join("; ") };
  if (method === "GET") return new Request(url, { headers });
  const form = Object.fromEntries(Object.entries(rule.form ?? {}).map(([k, v]) => [k, v.replace("{persona}", persona)]));
  const body = new URLSearchParams({ ...form, ...(withToken ? { csrf: csrfFor(headers.Cookie) } : {}) });
  return new Request(url, { method: "POST", headers, body });
}

const paramsOf = (rule: RouteRule) =>
  Object.fromEntries(
    Object.entries(rule.params ?? {}).map(([k, v]) => [k, v.replace(":target", String(targetUserId)).replace(":figure", String(figureId))]),
  );

beforeAll(async () => {
  const { getDatabase } = await import("../../db/index");
  const { loadDefinitions } = await import("../../app/definitions/load.server");
  const { syncDefinitions } = await import("../../app/models/sync.server");
  const { createUser } = await import("../../app/models/users.server");
  const { hashPasswordSync } = await import("../../app/auth/password.server");
  const { createSession } = await import("../../app/auth/session.server");
  const db = getDatabase(process.env.DATABASE_PATH!);
  sqlite = db.$client;
  const definitions = loadDefinitions(path.resolve("kpi-definitions"));
  if (!definitions.ok) throw new Error("definitions");
  syncDefinitions(db, definitions.definitions, "2026-01-01T00:00:00.000Z");
  const passwordHash = hashPasswordSync("a-long-password");
  const now = new Date();
  const make = (email: string, role: "admin" | "executive" | "analyst" | "focal-point", entityCode: string | null) =>
    createUser(db, { email, name: email, role, entityCode, passwordHash }, "test", now);
  const users = {
    admin: make("admin@test.example", "admin", null),
    executive: make("executive@test.example", "executive", null),
    analyst: make("analyst@test.example", "analyst", null),
    focalSame: make("focal.rta@test.example", "focal-point", "RTA"),
    focalOther: make("focal.dm@test.example", "focal-point", "DM"),
  };
  targetUserId = users.executive.id;
  const { importFiguresCsv } = await import("../../app/models/figures.server");
  const imported = importFiguresCsv(db, "entity,kpi,period,value,numerator,denominator,comment\nRTA,SMART_ADOPTION,2020-12,,930,1000,\nRTA,SMART_ADOPTION,2020-11,,500,1000,\n", {
    actor: "test",
    now,
    currentPeriod: "2026-11",
  });
  if (!imported.ok) throw new Error("import");
  figureId = (sqlite.prepare("SELECT id FROM figures WHERE period = '2020-12'").all() as Array<{ id: number }>)[0].id;
  const session = (id: number) => `sid=${createSession(db, id, now).token}`;
  freshAdminCookie = () => session(users.admin.id);
  cookies = {
    anonymous: "",
    admin: session(users.admin.id),
    executive: session(users.executive.id),
    analyst: session(users.analyst.id),
    focalSame: session(users.focalSame.id),
    focalOther: session(users.focalOther.id),
  };
  const files = readdirSync(path.resolve("app/routes")).filter((f) => /\.tsx?$/.test(f) && !f.includes(".test."));
  for (const file of files) modules[file] = await import(/* @vite-ignore */ path.resolve("app/routes", file));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the authorization matrix", () => {
  it("has a rule for every route in app/routes, and no rule for a route that is gone", () => {
    expect(Object.keys(modules).sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const [file, rule] of Object.entries(RULES)) {
    for (const method of ["GET", "POST"] as const) {
      const expectations = method === "GET" ? rule.get : rule.post;
      it(`${method} ${rule.url} (${file}): ${typeof expectations === "string" ? expectations : "by persona"}`, async () => {
        const fn = method === "GET" ? modules[file].loader : modules[file].action;
        if (typeof expectations === "string") {
          expect(fn, `${file} should have no ${method === "GET" ? "loader" : "action"}`).toBeUndefined();
          return;
        }
        expect(fn, `${file} has no ${method === "GET" ? "loader" : "action"}`).toBeTypeOf("function");
        // Personas are run in an order where the ones that may change things go last.
        const order = [...PERSONAS].sort((a, b) => Number(expectations[a] !== 403 && expectations[a] !== "login") - Number(expectations[b] !== 403 && expectations[b] !== "login"));
        for (const persona of order) {
          const before = fingerprint();
          const outcome = await call(fn!, requestFor(rule, persona, method), paramsOf(rule));
          const expected = expectations[persona];
          if (expected === "login") {
            expect({ persona, status: outcome.status }).toEqual({ persona, status: 302 });
            expect(outcome.location, persona).toMatch(/^\/login/);
          } else {
            expect({ persona, status: outcome.status }).toEqual({ persona, status: expected });
          }
          if (expected === 403 || expected === "login" || expected === 404) {
            expect(fingerprint(), `${persona} was refused but the database changed`).toBe(before);
          }
        }
      });
    }
  }

  for (const [file, rule] of Object.entries(RULES)) {
    // The API takes bearer tokens, never cookies: there is no cross-site request to forge.
    if (rule.post === "no action" || file === "login.tsx" || file === "$.tsx" || file.startsWith("api.")) continue;
    it(`POST ${rule.url} (${file}) without its CSRF token is refused with 403 and changes nothing`, async () => {
      const request = requestFor(rule, "admin", "POST", false, freshAdminCookie());
      const before = fingerprint();
      const outcome = await call(modules[file].action!, request, paramsOf(rule));
      expect(outcome.status).toBe(403);
      expect(fingerprint()).toBe(before);
    });
  }

  it("refuses a sign-in posted without its CSRF token, writing nothing", async () => {
    const before = fingerprint();
    const outcome = await call(modules["login.tsx"].action!, requestFor(RULES["login.tsx"], "anonymous", "POST", false), {});
    expect(outcome.status).toBe(403);
    expect(fingerprint()).toBe(before);
  });
});

// One rule for what a focal point reads of other entities (docs/decisions/0008): the city-wide
// figures and their own entity's, and nothing of any other entity's, on every page, in its
// `.data` (the same loader), in exports and in the API. The office reads everything.
describe("what a focal point reads of other entities: nothing, on pages, exports and the API alike", () => {
  const PERIOD = "2020-12";
  const readers: Record<"focal" | "analyst", string> = { focal: "", analyst: "" };
  let focalToken = "";

  beforeAll(async () => {
    const { getDatabase } = await import("../../db/index");
    const { createSession } = await import("../../app/auth/session.server");
    const { importFiguresCsv } = await import("../../app/models/figures.server");
    const { createToken } = await import("../../app/models/tokens.server");
    const db = getDatabase(process.env.DATABASE_PATH!);
    const imported = importFiguresCsv(
      db,
      [
        "entity,kpi,period,value,numerator,denominator,comment",
        `DM,SMART_ADOPTION,${PERIOD},,611,1000,`,
        `DEWA,SMART_ADOPTION,${PERIOD},,944,1000,`,
        `DEWA,HAPPINESS_SCORE,${PERIOD},,875,1000,`,
      ].join("\n"),
      { actor: "test", now: new Date(), currentPeriod: "2026-11" },
    );
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
    const id = (email: string) => (sqlite.prepare(`SELECT id FROM users WHERE email = '${email}'`).all() as Array<{ id: number }>)[0].id;
    readers.focal = `sid=${createSession(db, id("focal.rta@test.example"), new Date()).token}`;
    readers.analyst = `sid=${createSession(db, id("analyst@test.example"), new Date()).token}`;
    focalToken = createToken(db, id("focal.rta@test.example"), "visibility", new Date()).token;
  });

  async function pageData(reader: "focal" | "analyst", file: string, url: string, params: Record<string, string> = {}) {
    const request = new Request(`http://localhost${url}`, { headers: { Cookie: readers[reader] } });
    const result = await modules[file].loader!({ request, params, context: {} });
    if (result instanceof Response) return { status: result.status, text: await result.text() };
    return { status: 200, text: JSON.stringify(result) };
  }

  /** Any trace of another entity's figures: a report row, a chart line, a heatmap cell or row. (Names are not figures.) */
  const otherEntity = /"(entity|key)":"(DM|DEWA)"|"(DM|DEWA)\||"(DM|DEWA)":\[/;

  const pages: Array<[string, string, Record<string, string>]> = [
    ["_index.tsx", `/?period=${PERIOD}`, {}],
    ["kpis.$code.tsx", `/kpis/SMART_ADOPTION?period=${PERIOD}`, { code: "SMART_ADOPTION" }],
    ["kpis.$code.tsx", `/kpis/HAPPINESS_SCORE?period=${PERIOD}`, { code: "HAPPINESS_SCORE" }],
    ["strategy.$kind.$code.tsx", `/strategy/policies/smart-gov-80-2018?period=${PERIOD}`, { kind: "policies", code: "smart-gov-80-2018" }],
  ];
  for (const [file, url, params] of pages) {
    it(`${url}: a focal point sees the city and their own entity, an analyst every entity`, async () => {
      const focal = await pageData("focal", file, url, params);
      const analyst = await pageData("analyst", file, url, params);
      expect([focal.status, analyst.status]).toEqual([200, 200]);
      expect(focal.text).not.toMatch(otherEntity);
      expect(analyst.text).toMatch(otherEntity);
    });
  }

  it("the overview shows a focal point their own entity's league row and heatmap cells", async () => {
    const focal = JSON.parse((await pageData("focal", "_index.tsx", `/?period=${PERIOD}`)).text) as {
      league: Array<{ code: string }>;
      heatmap: { kpis: Array<{ code: string }>; rows: Record<string, Array<[string, number | null, number | null] | null>> };
    };
    expect(focal.league.map((e) => e.code)).toEqual(["RTA"]);
    expect(Object.keys(focal.heatmap.rows)).toEqual(["RTA"]);
    const adoption = focal.heatmap.kpis.findIndex((k) => k.code === "SMART_ADOPTION");
    // Status, actual, target, and the month a final target fell due when RTA is below it.
    expect(focal.heatmap.rows.RTA[adoption]!.slice(0, 3)).toEqual([expect.any(String), expect.any(Number), expect.any(Number)]);
  });

  it("the read API applies the same rule to a focal point's token", async () => {
    const request = new Request(`http://localhost/api/v1/report?period=${PERIOD}`, { headers: { Authorization: `Bearer ${focalToken}` } });
    const response = (await modules["api.v1.report.ts"].loader!({ request, params: {}, context: {} })) as Response;
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toMatch(otherEntity);
    expect(text).toMatch(/"entity":"RTA"/);
  });
});
