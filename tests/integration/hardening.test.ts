// Regression tests for the hostile review of issue 10, through the route modules on a real SQLite
// file: each test is named after what it guards and failed on the code the review tried.
// (What only the HTTP server shows is in request-guards.test.ts and tests/e2e/hardening.test.ts.)
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "hardening-test-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  process.env.LOGIN_SLOWDOWN_MS = "0";
  return { dir };
});

import { rmSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { hashPasswordSync, verifyPassword } from "~/auth/password.server";
import { createSession, sessionUser } from "~/auth/session.server";
import { loadDefinitions } from "~/definitions/load.server";
import { importFiguresCsv } from "~/models/figures.server";
import { syncDefinitions } from "~/models/sync.server";
import { claimLoginAttempt, createUser, setUserPassword, settleLoginAttempt } from "~/models/users.server";
import { loader as overviewLoader } from "~/routes/_index";
import { loader as entityLoader } from "~/routes/entities.$code";
import { action as figuresAction, loader as figuresLoader } from "~/routes/figures.$entity.$period";
import { loader as figuresIndexLoader } from "~/routes/figures._index";
import { loader as kpiLoader } from "~/routes/kpis.$code";
import { action as passwordAction, loader as passwordLoader } from "~/routes/settings.password";
import { action as reviewAction, loader as reviewLoader } from "~/routes/review";
import { db } from "~/utils/db.server";
import { addMonths, EARLIEST_PERIOD, MONTHS_AHEAD, periodOf } from "~/figures/month";
import { parseEnv } from "~/utils/env.server";
import { prepareDatabase } from "../../server/prepare";
import { csrfFor } from "../helpers/csrf";
import { settle, type Outcome } from "../helpers/route";

type RouteFunction = (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
const PASSWORD = "a-long-password";
const PERIOD = "2021-01";

const users = {} as Record<"analyst" | "focalRta" | "focalRta2" | "admin", { id: number; email: string }>;
const session = (who: keyof typeof users) => `sid=${createSession(db(), users[who].id, new Date()).token}`;

function get(fn: RouteFunction, url: string, params: Record<string, string>, cookie: string): Promise<Outcome> {
  return settle(() => fn({ request: new Request(`http://localhost${url}`, { headers: { Cookie: cookie } }), params, context: {} }));
}

function post(fn: RouteFunction, url: string, params: Record<string, string>, body: URLSearchParams | FormData, cookie: string) {
  body.set("csrf", csrfFor(cookie));
  const request = new Request(`http://localhost${url}`, { method: "POST", body, headers: { Cookie: cookie } });
  return settle(() => fn({ request, params, context: { clientIp: "127.0.0.1" } }));
}

beforeAll(() => {
  const definitions = loadDefinitions(path.resolve("kpi-definitions"));
  if (!definitions.ok) throw new Error(JSON.stringify(definitions.errors));
  syncDefinitions(db(), definitions.definitions, new Date().toISOString());
  const passwordHash = hashPasswordSync(PASSWORD);
  const make = (email: string, role: "admin" | "analyst" | "focal-point", entityCode: string | null) =>
    createUser(db(), { email, name: email, role, entityCode, passwordHash }, "test", new Date());
  users.admin = make("admin@hardening.example", "admin", null);
  users.analyst = make("analyst@hardening.example", "analyst", null);
  users.focalRta = make("focal.rta@hardening.example", "focal-point", "RTA");
  users.focalRta2 = make("focal.rta2@hardening.example", "focal-point", "RTA");
  const imported = importFiguresCsv(db(), `entity,kpi,period,value,numerator,denominator,comment\nRTA,SMART_ADOPTION,${PERIOD},,900,1000,\n`, {
    actor: "test",
    now: new Date(),
    currentPeriod: periodOf(new Date()),
  });
  if (!imported.ok) throw new Error("import");
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

describe("an absurd month is a 400 that says which months there are, on every page", () => {
  const latest = addMonths(periodOf(new Date()), MONTHS_AHEAD);
  const pages: Array<[string, RouteFunction, string, Record<string, string>]> = [
    ["/", overviewLoader as RouteFunction, "/", {}],
    ["/kpis/SMART_ADOPTION", kpiLoader as RouteFunction, "/kpis/SMART_ADOPTION", { code: "SMART_ADOPTION" }],
    ["/entities/RTA", entityLoader as RouteFunction, "/entities/RTA", { code: "RTA" }],
    ["/figures", figuresIndexLoader as RouteFunction, "/figures", {}],
  ];
  for (const [name, loader, url, params] of pages) {
    it(`${name}?period=9999-12 answers 400 at once, naming ${EARLIEST_PERIOD} to the latest month`, async () => {
      const started = performance.now();
      const outcome = await get(loader, `${url}?period=9999-12`, params, session("analyst"));
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(outcome.status).toBe(400);
      expect(outcome.thrown).toBe(true);
      expect(outcome.body).toEqual({ message: "error.period.range", params: { earliest: EARLIEST_PERIOD, latest } });
    });
  }

  it("refuses a month before 1980-01, a malformed month and a month given twice", async () => {
    const cases: Array<[string, string]> = [
      ["?period=1899-12", "error.period.range"],
      ["?period=2018-13", "error.period.format"],
      ["?period=2018-12&period=2019-01", "error.period.once"],
    ];
    for (const [query, message] of cases) {
      const outcome = await get(kpiLoader as RouteFunction, `/kpis/SMART_ADOPTION${query}`, { code: "SMART_ADOPTION" }, session("analyst"));
      expect({ query, status: outcome.status, body: outcome.body }).toMatchObject({ query, status: 400, body: { message } });
    }
  });

  it("shows the latest allowed month itself, so the bound is not off by one", async () => {
    const outcome = await get(kpiLoader as RouteFunction, `/kpis/SMART_ADOPTION?period=${latest}`, { code: "SMART_ADOPTION" }, session("analyst"));
    expect(outcome.status).toBe(200);
  });

  it("refuses the figures form of a month outside the bounds", async () => {
    const outcome = await get(figuresLoader as RouteFunction, "/figures/RTA/1979-12", { entity: "RTA", period: "1979-12" }, session("focalRta"));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toMatchObject({ message: "error.period.range" });
  });
});

describe("demo accounts, whose password is public, only where the demo was asked for", () => {
  it("gives a deployment with its own DATABASE_PATH and SEED_DEMO unset no accounts at all", () => {
    const env = parseEnv({ NODE_ENV: "production", DATABASE_PATH: path.join(tmp.dir, "own.db") });
    expect(env.SEED_DEMO).toBe(false);
    const own = prepareDatabase(env, () => {});
    expect(own.select().from(s.users).all()).toEqual([]);
    own.$client.close();
  });

  it("keeps the README's quick start: the default database with SEED_DEMO unset is the demo", () => {
    expect(parseEnv({ NODE_ENV: "production" }).SEED_DEMO).toBe(true);
    expect(parseEnv({ DATABASE_PATH: "x.db", SEED_DEMO: "true" }).SEED_DEMO).toBe(true);
  });

  it("reads TRUST_PROXY as Express's trust proxy setting, and stops on nonsense", () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ TRUST_PROXY: "10.0.0.0/8, 127.0.0.1" }).TRUST_PROXY).toBe("10.0.0.0/8,127.0.0.1");
    expect(() => parseEnv({ TRUST_PROXY: "yes please" })).toThrow(/TRUST_PROXY/);
  });
});

describe("the review queue with a figure whose KPI was retired", () => {
  it("still opens, naming the retired KPI, instead of a 500", async () => {
    db().$client
      .prepare("UPDATE figures SET status = 'submitted', submitted_at = ?, submitted_by = ? WHERE kpi_code = 'SMART_ADOPTION' AND entity_code = 'RTA'")
      .run(new Date().toISOString(), users.focalRta.email);
    db().$client.prepare("UPDATE kpis SET retired_at = ? WHERE code = 'SMART_ADOPTION'").run(new Date().toISOString());
    try {
      const outcome = await get(reviewLoader as RouteFunction, "/review", {}, session("analyst"));
      expect(outcome.status).toBe(200);
      const groups = (outcome.body as { groups: Array<{ rows: Array<{ kpi: { code: string; nameEn: string; retired: boolean } }> }> }).groups;
      const queue = groups.flatMap((g) => g.rows);
      expect(queue.map((q) => [q.kpi.code, q.kpi.retired])).toEqual([["SMART_ADOPTION", true]]);
      expect(queue[0].kpi.nameEn).not.toBe("SMART_ADOPTION");
    } finally {
      db().$client.prepare("UPDATE kpis SET retired_at = NULL WHERE code = 'SMART_ADOPTION'").run();
      db().$client.prepare("UPDATE figures SET status = 'approved' WHERE kpi_code = 'SMART_ADOPTION'").run();
    }
  });

  it("refuses a returned figure's comment with a NUL byte", async () => {
    db().$client.prepare("UPDATE figures SET status = 'submitted' WHERE kpi_code = 'SMART_ADOPTION' AND entity_code = 'RTA'").run();
    const id = (db().$client.prepare("SELECT id FROM figures WHERE kpi_code = 'SMART_ADOPTION' AND entity_code = 'RTA'").get() as { id: number }).id;
    const outcome = await post(reviewAction as RouteFunction, "/review", {}, new URLSearchParams({ figureId: String(id), intent: "return", comment: "check\u0000this" }), session("analyst"));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toMatchObject({ error: "review.error.control-characters" });
    const figure = db().select().from(s.figures).where(eq(s.figures.id, id)).get()!;
    expect(figure.status).toBe("submitted");
    db().$client.prepare("UPDATE figures SET status = 'approved' WHERE id = ?").run(id);
  });
});

describe("an upload does not overwrite a draft someone else saved after the page was opened", () => {
  const MONTH = "2021-03";
  const page = `/figures/RTA/${MONTH}`;
  const params = { entity: "RTA", period: MONTH };
  const upload = (cookie: string, openedAt: string | null, value: string) => {
    const body = new FormData();
    if (openedAt !== null) body.set("openedAt", openedAt);
    body.set("file", new File([`entity,kpi,period,value,numerator,denominator,comment\nRTA,OPEN_DATASETS,${MONTH},${value},,,\n`], "figures.csv", { type: "text/csv" }));
    return post(figuresAction as RouteFunction, page, params, body, cookie);
  };
  const draft = () =>
    db().select().from(s.figures).where(and(eq(s.figures.entityCode, "RTA"), eq(s.figures.kpiCode, "OPEN_DATASETS"), eq(s.figures.period, MONTH))).get();

  it("answers 409, names who changed it, and keeps their value", async () => {
    const a = session("focalRta");
    const opened = (await get(figuresLoader as RouteFunction, page, params, a)).body as { openedAt: string };
    // B saves a draft after A opened the page.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = session("focalRta2");
    const saved = await post(figuresAction as RouteFunction, page, params, new URLSearchParams({ intent: "save", "version.OPEN_DATASETS": "", "value.OPEN_DATASETS": "12" }), b);
    expect(saved.status).toBe(302);
    const refused = await upload(a, opened.openedAt, "40");
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain("changed-by-other");
    expect(JSON.stringify(refused.body)).toContain(users.focalRta2.email);
    expect(draft()).toMatchObject({ value: 12, updatedBy: users.focalRta2.email });
  });

  it("overwrites nobody's draft when the request does not say when the page was opened", async () => {
    expect((await upload(session("focalRta"), null, "41")).status).toBe(409);
    expect(draft()?.value).toBe(12);
  });

  it("replaces the draft once the uploader has seen it (the page opened after the change)", async () => {
    const a = session("focalRta");
    const opened = (await get(figuresLoader as RouteFunction, page, params, a)).body as { openedAt: string };
    expect((await upload(a, opened.openedAt, "42")).status).toBe(302);
    expect(draft()).toMatchObject({ value: 42, updatedBy: users.focalRta.email });
  });

  it("refuses a comment with a NUL byte, keeps what was typed and saves nothing", async () => {
    const before = draft();
    const outcome = await post(
      figuresAction as RouteFunction,
      page,
      params,
      new URLSearchParams({ intent: "save", "version.OPEN_DATASETS": String(before!.version), "value.OPEN_DATASETS": "43", "comment.OPEN_DATASETS": "a\u0000b" }),
      session("focalRta"),
    );
    expect(outcome.status).toBe(400);
    expect(JSON.stringify(outcome.body)).toContain("control-characters");
    expect(outcome.body).toMatchObject({ values: { OPEN_DATASETS: { value: "43", comment: "a\u0000b" } } });
    expect(draft()).toEqual(before);
  });

  it("refuses a row for a month before 1980-01 with its line", async () => {
    const body = new FormData();
    body.set("openedAt", new Date().toISOString());
    body.set("file", new File(["entity,kpi,period,value,numerator,denominator,comment\nRTA,OPEN_DATASETS,1979-12,5,,,\n"], "old.csv", { type: "text/csv" }));
    const outcome = await post(figuresAction as RouteFunction, page, params, body, session("focalRta"));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toMatchObject({ uploadErrors: [{ line: 2, problems: [{ code: "early-period" }] }] });
  });
});

describe("after an administrator's reset, the next sign-in asks for a new password", () => {
  it("sends every page to /settings/password until the owner chooses one; then the others' sessions are gone", async () => {
    const user = createUser(db(), { email: "reset@hardening.example", name: "Reset", role: "analyst", entityCode: null, passwordHash: hashPasswordSync(PASSWORD) }, "test", new Date());
    setUserPassword(db(), user.id, hashPasswordSync("chosen-by-the-admin"), users.admin.email, new Date());
    const mine = createSession(db(), user.id, new Date()).token;
    const elsewhere = createSession(db(), user.id, new Date()).token;
    const cookie = `sid=${mine}`;

    const overview = await get(overviewLoader as RouteFunction, "/?period=2021-01", {}, cookie);
    expect(overview.status).toBe(302);
    expect(overview.location).toBe(`/settings/password?${new URLSearchParams({ redirectTo: "/?period=2021-01" })}`);
    const form = await get(passwordLoader as RouteFunction, "/settings/password", {}, cookie);
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ mustChange: true });

    const wrong = await post(passwordAction as RouteFunction, "/settings/password", {}, new URLSearchParams({ current: "not-it", next: "my-own-long-password", confirm: "my-own-long-password" }), cookie);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ errors: { current: "password.error.current" } });

    const mismatch = await post(passwordAction as RouteFunction, "/settings/password", {}, new URLSearchParams({ current: "chosen-by-the-admin", next: "my-own-long-password", confirm: "my-own-long-passwort" }), cookie);
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ errors: { confirm: "password.error.confirm" } });

    const done = await post(
      passwordAction as RouteFunction,
      "/settings/password",
      {},
      new URLSearchParams({ current: "chosen-by-the-admin", next: "my-own-long-password", confirm: "my-own-long-password", redirectTo: "/?period=2021-01" }),
      cookie,
    );
    expect(done.status).toBe(302);
    expect(done.location).toBe("/?period=2021-01");
    const stored = db().select().from(s.users).where(eq(s.users.id, user.id)).get()!;
    expect(stored.mustChangePassword).toBe(false);
    expect(await verifyPassword("my-own-long-password", stored.passwordHash)).toBe(true);
    expect((await get(overviewLoader as RouteFunction, "/?period=2021-01", {}, cookie)).status).toBe(200);
    expect(sessionUser(db(), new Request("http://localhost/", { headers: { Cookie: `sid=${elsewhere}` } }), new Date())).toBeNull();
  });
});

describe("the sign-in throttle counts a success that follows wrong passwords", () => {
  it("four wrong passwords, the right one settled, then a sixth attempt in the same burst is locked; sign-ins alone are not; later the success does not count", () => {
    const now = new Date("2026-06-01T10:00:00Z");
    const later = (s: number) => new Date(now.getTime() + s * 1000);
    const email = "burst@hardening.example";
    for (let i = 0; i < 4; i++) {
      const attempt = claimLoginAttempt(db(), email, null, later(i));
      expect(attempt.locked).toBe(false);
      if (!attempt.locked) settleLoginAttempt(db(), attempt.attemptId, { signedIn: false, userId: null });
    }
    const right = claimLoginAttempt(db(), email, null, later(4));
    expect(right.locked).toBe(false);
    if (!right.locked) settleLoginAttempt(db(), right.attemptId, { signedIn: true, userId: null });
    const sixth = claimLoginAttempt(db(), email, null, later(5));
    expect(sixth.locked).toBe(true);
    // Held until the burst's first attempt is ten seconds old; then four failures and no lock.
    expect(sixth.throttle.retryAfterSeconds).toBe(10 - 5);
    expect(claimLoginAttempt(db(), email, null, later(11)).locked).toBe(false);

    const devices = "devices@hardening.example";
    for (let i = 0; i < 6; i++) {
      const attempt = claimLoginAttempt(db(), devices, null, later(i));
      expect(attempt.locked, `sign-in ${i + 1}`).toBe(false);
      if (!attempt.locked) settleLoginAttempt(db(), attempt.attemptId, { signedIn: true, userId: null });
    }
  });
});

describe("the chart's and the list's choices in the address (issue 16)", () => {
  // Not SMART_ADOPTION: a test above retires and restores it behind the definitions cache's back.
  const kpi = (query: string, who: keyof typeof users = "analyst") =>
    get(kpiLoader as RouteFunction, `/kpis/OPEN_DATASETS?period=${PERIOD}${query}`, { code: "OPEN_DATASETS" }, session(who));

  it("draws the entity asked for beside the city, best and worst, and every line on request", async () => {
    const one = await kpi("&entity=RTA");
    expect(one.status).toBe(200);
    const page = (one.body as { page: { lines: Array<{ key: string; role: string | null }>; hiddenLines: number } }).page;
    // No entity has a figure for it: no best or worst, only the one asked for.
    expect(page.lines.map((l) => [l.key, l.role])).toEqual([["RTA", "selected"]]);
    expect(page.hiddenLines).toBe(20);
    const all = await kpi("&lines=all");
    const every = (all.body as { page: { lines: unknown[]; hiddenLines: number } }).page;
    expect(every.lines.length).toBe(21);
    expect(every.hiddenLines).toBe(0);
  });

  it("answers 400 for an entity that is unknown, malformed, absurdly long, repeated or not the reader's", async () => {
    const cases: Array<[string, keyof typeof users, string]> = [
      ["&entity=NOPE", "analyst", "error.kpi.entity"],
      ["&entity=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "analyst", "error.kpi.entity"],
      [`&entity=${"A".repeat(5000)}`, "analyst", "error.kpi.entity"],
      ["&entity=RTA&entity=DEWA", "analyst", "error.kpi.chartOnce"],
      ["&lines=some", "analyst", "error.kpi.lines"],
      ["&lines=all&lines=all", "analyst", "error.kpi.chartOnce"],
      // A focal point asking for another entity learns no more than for one that does not exist.
      ["&entity=DEWA", "focalRta", "error.kpi.entity"],
    ];
    for (const [query, who, message] of cases) {
      const outcome = await kpi(query, who);
      expect({ query: query.slice(0, 40), status: outcome.status, body: outcome.body }).toMatchObject({
        query: query.slice(0, 40),
        status: 400,
        body: { message },
      });
    }
    expect((await kpi("&entity=RTA", "focalRta")).status).toBe(200);
  });

  it("lists every change only for changes=all, and answers 400 for anything else there", async () => {
    const overview = (query: string) => get(overviewLoader as RouteFunction, `/?period=${PERIOD}${query}`, {}, session("analyst"));
    const shown = await overview("");
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ allChanges: false });
    expect((await overview("&changes=all")).body).toMatchObject({ allChanges: true });
    for (const query of ["&changes=everything", "&changes=all&changes=all", `&changes=${"x".repeat(10000)}`]) {
      const outcome = await overview(query);
      expect({ status: outcome.status, body: outcome.body }).toMatchObject({ status: 400, body: { message: "error.overview.changes" } });
    }
  });
});
