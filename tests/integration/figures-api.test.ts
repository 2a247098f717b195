// POST /api/v1/figures (issue 12, item 6): an entity's own system sends its figures with a focal
// point's token. The route's action called with real requests against a real SQLite file synced
// from the real definitions (plus some KPIs of our own, for a 10,000-figure request).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "figures-api-test-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import { and, asc, eq, inArray } from "drizzle-orm";
import * as s from "../../db/schema";
import type { Role } from "../../db/schema";
import { hashPasswordSync } from "~/auth/password.server";
import { createSession } from "~/auth/session.server";
import { loadDefinitions } from "~/definitions/load.server";
import { lockPeriod } from "~/models/entry.server";
import { syncDefinitions } from "~/models/sync.server";
import { createToken } from "~/models/tokens.server";
import { createUser, type User } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { action, loader } from "~/routes/api.v1.figures";
import { settle, type Outcome } from "../helpers/route";
import { csrfFor } from "../helpers/csrf";

// ---------------------------------------------------------------------------------------------
// The database: RTA's and DM's focal points, and the office.

const EXTRA_KPIS = Array.from({ length: 30 }, (_, i) => `EXTRA_${String(i).padStart(2, "0")}`);
type Persona = "focalRta" | "focalDm" | "analyst" | "executive" | "admin";
const people = {} as Record<Persona, User>;
const tokens = {} as Record<Persona, string>;
let rtaSession = "";

beforeAll(() => {
  const definitions = loadDefinitions(path.resolve(__dirname, "../../kpi-definitions"));
  if (!definitions.ok) throw new Error(JSON.stringify(definitions.errors));
  // RTA reports about ten KPIs, 562 months each: not 10,000 figures. Thirty more count KPIs are.
  const model = definitions.definitions.kpis.find((k) => k.code === "OPEN_DATASETS")!;
  for (const code of EXTRA_KPIS) definitions.definitions.kpis.push({ ...model, code, file: `kpis/${code}.yaml` });
  syncDefinitions(db(), definitions.definitions, new Date().toISOString());
  const passwordHash = hashPasswordSync("correct horse battery staple");
  const make = (role: Role, entityCode: string | null = null) =>
    createUser(db(), { email: `${role}.${entityCode ?? "office"}@example.com`, name: role, role, entityCode, passwordHash }, "test", new Date());
  people.focalRta = make("focal-point", "RTA");
  people.focalDm = make("focal-point", "DM");
  people.analyst = make("analyst");
  people.executive = make("executive");
  people.admin = make("admin");
  for (const who of Object.keys(people) as Persona[]) tokens[who] = createToken(db(), people[who].id, `${who}'s system`, new Date()).token;
  rtaSession = createSession(db(), people.focalRta.id, new Date()).token;
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Calling the route

interface Send {
  body: string | Uint8Array | ReadableStream<Uint8Array>;
  type?: string | null;
  query?: string;
  token?: string | null;
  headers?: Record<string, string>;
  method?: string;
}

function send({ body, type = "application/json", query = "", token = tokens.focalRta, headers = {}, method = "POST" }: Send) {
  const all: Record<string, string> = { ...headers };
  if (type !== null) all["Content-Type"] = type;
  if (token !== null) all.Authorization = `Bearer ${token}`;
  const request = new Request(`http://localhost/api/v1/figures${query}`, {
    method,
    headers: all,
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return settle(() => action({ request }));
}

const json = (figures: unknown) => JSON.stringify({ figures });

interface Problem {
  line: number | null;
  fileLine?: number;
  field: string | null;
  code: string;
  message: string;
}
interface ErrorBody {
  error: { status: number; message: string; errors?: Problem[] };
}
interface Answer {
  dryRun: boolean;
  submit: boolean;
  created: number;
  updated: number;
  unchanged: number;
  figures: Array<{ line: number; entity: string; kpi: string; period: string; outcome: string; status: string }>;
}

/** An API error: JSON, the status in the body too, a message a person can read, never HTML. */
function expectError(outcome: Outcome, status: number): ErrorBody["error"] {
  expect({ status: outcome.status, body: outcome.body }).toMatchObject({ status, body: { error: { status } } });
  expect(outcome.headers.get("Content-Type")).toMatch(/^application\/json/);
  const { error } = outcome.body as ErrorBody;
  expect(error.message.length).toBeGreaterThan(10);
  expect(error.message).not.toMatch(/<html|at .*\.ts:\d+/i);
  return error;
}

/** Every table the endpoint could write to, counted. */
const count = (table: string) => (db().$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const counts = () => ({ figures: count("figures"), history: count("figure_history"), keys: count("idempotency_keys") });

const figureOf = (kpi: string, period: string, entity = "RTA") =>
  db()
    .select()
    .from(s.figures)
    .where(and(eq(s.figures.entityCode, entity), eq(s.figures.kpiCode, kpi), eq(s.figures.period, period)))
    .get();

const historyOf = (id: number) =>
  db().select().from(s.figureHistory).where(eq(s.figureHistory.figureId, id)).orderBy(asc(s.figureHistory.id)).all();

// ---------------------------------------------------------------------------------------------

describe("POST /api/v1/figures: creating and changing drafts", () => {
  it("takes JSON, numbers as numbers or text, and creates drafts with their history", async () => {
    const before = counts();
    const outcome = await send({
      body: json([
        { entity: "RTA", kpi: "SMART_ADOPTION", period: "2020-01", numerator: 930, denominator: "1000" },
        { entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-01", value: "12", comment: "from our catalogue" },
        { entity: "RTA", kpi: "GIN_CONNECTED", period: "2020-01", value: true },
      ]),
    });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(outcome.headers.get("Cache-Control")).toBe("no-store");
    expect(outcome.body).toEqual({
      dryRun: false,
      submit: false,
      created: 3,
      updated: 0,
      unchanged: 0,
      figures: [
        { line: 1, entity: "RTA", kpi: "SMART_ADOPTION", period: "2020-01", outcome: "created", status: "draft" },
        { line: 2, entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-01", outcome: "created", status: "draft" },
        { line: 3, entity: "RTA", kpi: "GIN_CONNECTED", period: "2020-01", outcome: "created", status: "draft" },
      ],
    });
    expect(counts()).toEqual({ ...before, figures: before.figures + 3, history: before.history + 3 });
    const adoption = figureOf("SMART_ADOPTION", "2020-01")!;
    expect(adoption).toMatchObject({ value: 93, numerator: 930, denominator: 1000, status: "draft", source: "form", enteredBy: people.focalRta.email, submittedAt: null });
    expect(figureOf("OPEN_DATASETS", "2020-01")).toMatchObject({ value: 12, comment: "from our catalogue", status: "draft" });
    expect(figureOf("GIN_CONNECTED", "2020-01")).toMatchObject({ value: 1 });
    expect(historyOf(adoption.id)).toEqual([
      expect.objectContaining({ action: "create", oldValue: null, newValue: 93, newStatus: "draft", actor: people.focalRta.email }),
    ]);
  });

  it("takes the contract's CSV (BOM, CRLF, quotes), leaves a figure sent again as it is, and updates a changed one with history", async () => {
    const csv = (value: string) =>
      "\uFEFFentity,kpi,period,value,numerator,denominator,comment\r\n" +
      `RTA,SMART_ADOPTION,2020-02,,${value},1000,"checked, twice"\r\n` +
      "RTA,SERVICE_REQUEST_DAYS,2020-02,٣٫٥,,,\r\n";
    const first = await send({ body: csv("900"), type: "text/csv; charset=utf-8" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const figure = figureOf("SMART_ADOPTION", "2020-02")!;
    expect(figure).toMatchObject({ value: 90, comment: "checked, twice", status: "draft", version: 1 });
    expect(figureOf("SERVICE_REQUEST_DAYS", "2020-02")).toMatchObject({ value: 3.5 });

    const before = counts();
    const again = await send({ body: csv("900"), type: "text/csv" });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect((again.body as Answer).figures.map((f) => f.outcome)).toEqual(["unchanged", "unchanged"]);
    expect(counts()).toEqual(before);

    const changed = await send({ body: csv("950"), type: "text/csv" });
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(figureOf("SMART_ADOPTION", "2020-02")).toMatchObject({ value: 95, version: 2 });
    expect(historyOf(figure.id).map((h) => [h.action, h.oldValue, h.newValue])).toEqual([
      ["create", null, 90],
      ["edit", 90, 95],
    ]);
  });

  it("submits with ?submit=true, after which the figure is read-only to the API as to the form", async () => {
    const body = json([
      { entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-03", value: 14, comment: "as published" },
      { entity: "RTA", kpi: "SMART_ADOPTION", period: "2020-03", numerator: 95, denominator: 100, comment: "as measured" },
    ]);
    const outcome = await send({ body, query: "?submit=true" });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ submit: true, created: 2 });
    expect((outcome.body as Answer).figures.map((f) => f.status)).toEqual(["submitted", "submitted"]);
    const figure = figureOf("OPEN_DATASETS", "2020-03")!;
    expect(figure).toMatchObject({ status: "submitted", submittedBy: people.focalRta.email, submittedAt: expect.any(String) });
    expect(historyOf(figure.id).map((h) => [h.action, h.newStatus])).toEqual([["submit", "submitted"]]);

    const before = counts();
    const resent = await send({ body: json([{ entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-03", value: 15 }]) });
    const error = expectError(resent, 400);
    expect(error.errors).toEqual([{ line: 1, field: "value", code: "awaiting-review", message: expect.stringContaining("submitted") }]);
    expect(counts()).toEqual(before);
    expect(figureOf("OPEN_DATASETS", "2020-03")!.value).toBe(14);
  });

  it("submits a draft saved earlier: the same values, a new state", async () => {
    const body = json([{ entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-04", value: 14, comment: "ready" }]);
    expect((await send({ body })).body).toMatchObject({ created: 1 });
    const submitted = await send({ body, query: "?submit=true" });
    expect(submitted.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(figureOf("OPEN_DATASETS", "2020-04")!.status).toBe("submitted");
  });

  it("asks for a comment before submitting a figure that jumps against the month before, as the form does", async () => {
    const before = counts();
    const outcome = await send({
      body: json([
        { entity: "RTA", kpi: "EXTRA_00", period: "2020-05", value: 10, comment: "base" },
        { entity: "RTA", kpi: "EXTRA_00", period: "2020-06", value: 30 },
      ]),
      query: "?submit=true",
    });
    const error = expectError(outcome, 400);
    expect(error.errors).toEqual([{ line: 2, field: "comment", code: "justify", message: expect.stringContaining("200%") }]);
    expect(counts()).toEqual(before);
  });
});

describe("POST /api/v1/figures: a dry run", () => {
  it("answers exactly what the real request then does, and writes nothing", async () => {
    await send({ body: json([{ entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-07", value: 3 }]) });
    const body = json([
      { entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-07", value: 4 },
      { entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-08", value: 5 },
      { entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-01", value: 12, comment: "from our catalogue" },
    ]);
    const before = counts();
    const dry = await send({ body, query: "?dryRun=true", headers: { "Idempotency-Key": "dry-run-1" } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, created: 1, updated: 1, unchanged: 1 });
    expect(counts()).toEqual(before);
    expect(figureOf("OPEN_DATASETS", "2020-07")!.value).toBe(3);
    expect(figureOf("OPEN_DATASETS", "2020-08")).toBeUndefined();

    const real = await send({ body });
    expect({ ...(real.body as Answer), dryRun: true }).toEqual(dry.body);
    expect(counts()).toEqual({ ...before, figures: before.figures + 1, history: before.history + 2 });
  });

  it("reports the same refusals as the real request, writing nothing", async () => {
    const before = counts();
    const dry = await send({ body: json([{ entity: "RTA", kpi: "OPEN_DATASETS", period: "2020-03", value: 1 }]), query: "?dryRun=true&submit=true" });
    expect(expectError(dry, 400).errors?.[0]).toMatchObject({ line: 1, code: "awaiting-review" });
    expect(counts()).toEqual(before);
  });
});

describe("POST /api/v1/figures: Idempotency-Key", () => {
  it("writes once for a retried request and answers the retry with the first answer", async () => {
    const body = json([
      { entity: "RTA", kpi: "EXTRA_01", period: "2021-01", value: 1 },
      { entity: "RTA", kpi: "EXTRA_01", period: "2021-02", value: 2 },
    ]);
    const before = counts();
    const first = await send({ body, headers: { "Idempotency-Key": "nightly-2021-01" } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 2 });
    expect(counts()).toEqual({ figures: before.figures + 2, history: before.history + 2, keys: before.keys + 1 });

    const retry = await send({ body, headers: { "Idempotency-Key": "nightly-2021-01" } });
    expect(retry.status).toBe(first.status);
    expect(retry.body).toEqual(first.body); // "created: 2", not "unchanged: 2"
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(counts()).toEqual({ figures: before.figures + 2, history: before.history + 2, keys: before.keys + 1 });
    const stored = db().select().from(s.idempotencyKeys).where(eq(s.idempotencyKeys.key, "nightly-2021-01")).get()!;
    expect(stored).toMatchObject({ userId: people.focalRta.id, status: 200, requestHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // Without the key the same request is sent again: nothing to change.
    expect((await send({ body })).body).toMatchObject({ created: 0, unchanged: 2 });
  });

  it("refuses the same key with another body, or other parameters, with a 409, writing nothing", async () => {
    const body = json([{ entity: "RTA", kpi: "EXTRA_01", period: "2021-03", value: 3 }]);
    expect((await send({ body, headers: { "Idempotency-Key": "k-409" } })).status).toBe(200);
    const before = counts();
    const other = await send({ body: json([{ entity: "RTA", kpi: "EXTRA_01", period: "2021-03", value: 4 }]), headers: { "Idempotency-Key": "k-409" } });
    expect(expectError(other, 409).message).toMatch(/different request/);
    const submitted = await send({ body, query: "?submit=true", headers: { "Idempotency-Key": "k-409" } });
    expectError(submitted, 409);
    expect(counts()).toEqual(before);
    expect(figureOf("EXTRA_01", "2021-03")).toMatchObject({ value: 3, status: "draft" });
  });

  it("keeps a key for its owner only, and not past a day", async () => {
    const body = json([{ entity: "DM", kpi: "EXTRA_01", period: "2021-04", value: 5 }]);
    // The same key from another person is theirs: it runs.
    db().insert(s.idempotencyKeys)
      .values({ userId: people.focalRta.id, tokenId: 1, key: "shared-name", requestHash: "0".repeat(64), status: 200, response: "{}", createdAt: new Date().toISOString() })
      .run();
    const dm = await send({ body, token: tokens.focalDm, headers: { "Idempotency-Key": "shared-name" } });
    expect(dm.body).toMatchObject({ created: 1 });
    // An RTA key from two days ago is gone: the same key runs again.
    db().insert(s.idempotencyKeys)
      .values({ userId: people.focalRta.id, tokenId: 1, key: "old-key", requestHash: "0".repeat(64), status: 200, response: "{}", createdAt: new Date(Date.now() - 48 * 3_600_000).toISOString() })
      .run();
    const old = await send({ body: json([{ entity: "RTA", kpi: "EXTRA_01", period: "2021-05", value: 5 }]), headers: { "Idempotency-Key": "old-key" } });
    expect(old.body).toMatchObject({ created: 1 });
  });

  it("does not keep a refused request: fixed, it may be sent with the same key", async () => {
    const before = counts();
    const bad = await send({ body: json([{ entity: "RTA", kpi: "EXTRA_02", period: "2021-01", value: -1 }]), headers: { "Idempotency-Key": "fix-me" } });
    expectError(bad, 400);
    expect(counts()).toEqual(before);
    const fixed = await send({ body: json([{ entity: "RTA", kpi: "EXTRA_02", period: "2021-01", value: 1 }]), headers: { "Idempotency-Key": "fix-me" } });
    expect(fixed.body).toMatchObject({ created: 1 });
  });

  const badKeys: Array<[string, string]> = [
    ["201 characters", "k".repeat(201)],
    ["100,000 characters", "x".repeat(100_000)],
    ["a space inside", "my key"],
    ["a tab", "key\there"],
    ["Latin-1 letters", "clé"],
  ];
  for (const [name, key] of badKeys) {
    it(`answers an Idempotency-Key of ${name} with a 400 in JSON, writing nothing`, async () => {
      const before = counts();
      const outcome = await send({
        body: json([{ entity: "RTA", kpi: "EXTRA_02", period: "2021-02", value: 1 }]),
        headers: { "Idempotency-Key": key },
      });
      expect(expectError(outcome, 400).message).toContain("Idempotency-Key");
      expect(counts()).toEqual(before);
    });
  }

  it("takes a key of exactly 200 printable characters", async () => {
    const key = "!~".repeat(100);
    const outcome = await send({ body: json([{ entity: "RTA", kpi: "EXTRA_02", period: "2021-03", value: 1 }]), headers: { "Idempotency-Key": key } });
    expect(outcome.status).toBe(200);
  });
});

describe("POST /api/v1/figures: who may send", () => {
  it("refuses a figure of another entity with a 403, writing nothing of the request", async () => {
    const before = counts();
    const outcome = await send({
      body: json([
        { entity: "RTA", kpi: "EXTRA_03", period: "2021-01", value: 1 },
        { entity: "DM", kpi: "EXTRA_03", period: "2021-01", value: 1 },
      ]),
    });
    expect(expectError(outcome, 403).message).toMatch(/RTA only.*figure 2.*"DM"/);
    expect(counts()).toEqual(before);
    const missing = await send({ body: json([{ kpi: "EXTRA_03", period: "2021-01", value: 1 }]) });
    expect(expectError(missing, 400).errors).toEqual([expect.objectContaining({ line: 1, field: "entity" })]);
    const csv = await send({ body: "entity,kpi,period,value\nDEWA,EXTRA_03,2021-01,1\n", type: "text/csv" });
    expectError(csv, 403);
    expect(counts()).toEqual(before);
  });

  for (const who of ["analyst", "executive", "admin"] as const) {
    it(`refuses the token of ${who === "admin" ? "an" : "an"} ${who}: only those who enter figures may send them`, async () => {
      const before = counts();
      const outcome = await send({ body: json([{ entity: "RTA", kpi: "EXTRA_03", period: "2021-02", value: 1 }]), token: tokens[who] });
      expect(expectError(outcome, 403).message).toMatch(/focal point/);
      expect(counts()).toEqual(before);
    });
  }

  it("refuses a signed-in session without a token (cookie and CSRF token both valid): 401, nothing written", async () => {
    const cookie = `sid=${rtaSession}; csrf=${"c".repeat(43)}`;
    const before = counts();
    for (const [type, body] of [
      ["application/json", json([{ entity: "RTA", kpi: "EXTRA_03", period: "2021-03", value: 1 }])],
      ["application/x-www-form-urlencoded", new URLSearchParams({ csrf: csrfFor(cookie), entity: "RTA" }).toString()],
    ]) {
      const outcome = await send({ body, type, token: null, headers: { Cookie: cookie } });
      expectError(outcome, 401);
      expect(outcome.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
    expect(counts()).toEqual(before);
  });

  it("answers PUT, PATCH and DELETE with 405, naming GET and POST", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const outcome = await send({ body: "{}", method });
      expectError(outcome, 405);
      expect(outcome.headers.get("Allow")).toBe("GET, POST");
    }
  });

  it("still answers GET with approved figures only: drafts sent here are not there", async () => {
    const request = new Request("http://localhost/api/v1/figures?entity=RTA", { headers: { Authorization: `Bearer ${tokens.focalRta}` } });
    const outcome = await settle(() => loader({ request }));
    expect(outcome.status).toBe(200);
    expect((outcome.body as { figures: unknown[] }).figures).toEqual([]);
  });
});

describe("POST /api/v1/figures: bad figures", () => {
  it("names each bad JSON figure by its line and field, and writes none of the request", async () => {
    const before = counts();
    const outcome = await send({
      body: json([
        { entity: "RTA", kpi: "SMART_ADOPTION", period: "2021-01", numerator: 90, denominator: 100 },
        { entity: "RTA", kpi: "SMART_ADOPTION", period: "2021-02", numerator: 120, denominator: 100 },
        { entity: "RTA", kpi: "NO_SUCH_KPI", period: "2021-02", value: 1 },
        { entity: "RTA", kpi: "OPEN_DATASETS", period: "2021-13", value: "twelve" },
        "not a figure",
        { entity: "RTA", kpi: "OPEN_DATASETS", period: "2021-02", value: { nested: [1] } },
        { entity: "RTA", kpi: "OPEN_DATASETS", period: "2021-03", value: 1, valeu: 2 },
        { entity: "RTA", kpi: "SMART_ADOPTION", period: "2021-01", numerator: 90, denominator: 100 },
      ]),
    });
    const error = expectError(outcome, 400);
    expect(error.message).toMatch(/^7 figures were refused.*nothing was written/);
    expect(error.errors!.map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: 2, field: "numerator", code: "numerator-above-denominator" },
      { line: 3, field: "kpi", code: "unknown-kpi" },
      { line: 4, field: "period", code: "bad-period" },
      { line: 4, field: "value", code: "not-a-number" },
      { line: 5, field: null, code: "bad-field" },
      { line: 6, field: "value", code: "bad-field" },
      { line: 7, field: "valeu", code: "bad-field" },
      { line: 8, field: "kpi", code: "duplicate" },
    ]);
    for (const e of error.errors!) expect(e.message.length, JSON.stringify(e)).toBeGreaterThan(5);
    expect(error.errors![0].message).toBe("numerator 120 is greater than denominator 100");
    expect(counts()).toEqual(before);
    expect(figureOf("SMART_ADOPTION", "2021-01")).toBeUndefined();
  });

  it("names a bad CSV row by its data line (and its line in the file), and writes nothing", async () => {
    const before = counts();
    const csv = [
      "entity,kpi,period,value,numerator,denominator,comment",
      "RTA,OPEN_DATASETS,2021-04,3,,,",
      "",
      'RTA,OPEN_DATASETS,2021-05,3,,,"a comment',
      'over two lines"',
      "RTA,OPEN_DATASETS,2021-06,-3,,,",
      "RTA,OPEN_DATASETS,2021-07,3,,",
    ].join("\n");
    const error = expectError(await send({ body: csv, type: "text/csv" }), 400);
    expect(error.errors!.map(({ line, fileLine, field, code }) => ({ line, fileLine, field, code }))).toEqual([
      { line: 3, fileLine: 6, field: "value", code: "negative" },
      { line: 4, fileLine: 7, field: null, code: "field-count" },
    ]);
    expect(counts()).toEqual(before);
  });

  it("reports a CSV header problem for the file as a whole", async () => {
    const error = expectError(await send({ body: "entity,kpi,month,value\nRTA,OPEN_DATASETS,2021-04,3\n", type: "text/csv" }), 400);
    expect(error.errors).toEqual([
      expect.objectContaining({ line: null, fileLine: 1, code: "unknown-column" }),
      expect.objectContaining({ line: null, fileLine: 1, code: "missing-column" }),
    ]);
  });

  it("refuses a figure of a locked month as the form does, and writes nothing of the request", async () => {
    expect(lockPeriod(db(), "2019-06", people.admin.email, new Date())).toBe(true);
    const before = counts();
    const outcome = await send({
      body: json([
        { entity: "RTA", kpi: "EXTRA_04", period: "2019-05", value: 1 },
        { entity: "RTA", kpi: "EXTRA_04", period: "2019-06", value: 1 },
      ]),
    });
    const error = expectError(outcome, 400);
    expect(error.errors).toEqual([{ line: 2, field: "period", code: "locked-period", message: "period 2019-06 is locked" }]);
    expect(counts()).toEqual(before);
  });
});

describe("POST /api/v1/figures: 10,000 figures", () => {
  const LOCKED = "2019-06";
  const tenThousand = (kpis: string[], value: (i: number) => unknown) => {
    const figures: unknown[] = [];
    for (const kpi of kpis) {
      for (let m = 0; figures.length < 10_000 && m < 562; m++) {
        const period = `${1980 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
        if (period === LOCKED) continue; // locked by the test before
        figures.push({ entity: "RTA", kpi, period, value: value(figures.length) });
      }
    }
    return figures;
  };
  const extraRows = () =>
    db().select().from(s.figures).where(and(eq(s.figures.entityCode, "RTA"), inArray(s.figures.kpiCode, EXTRA_KPIS.slice(10)))).all();

  it("writes nothing when the last of 10,000 is bad: one transaction", async () => {
    const figures = tenThousand(EXTRA_KPIS.slice(10), (i) => i);
    (figures[9_999] as { value: unknown }).value = -1;
    const before = counts();
    const error = expectError(await send({ body: json(figures) }), 400);
    expect(error.errors).toEqual([expect.objectContaining({ line: 10_000, field: "value", code: "negative" })]);
    expect(counts()).toEqual(before);
  });

  it("accepts 10,000 figures in one request, every one in the database with its history", async () => {
    const figures = tenThousand(EXTRA_KPIS.slice(10), (i) => i);
    const body = json(figures);
    expect(Buffer.byteLength(body)).toBeLessThan(1_048_576); // the default UPLOAD_MAX_BYTES
    const before = counts();
    const outcome = await send({ body });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ created: 10_000, updated: 0, unchanged: 0 });
    expect((outcome.body as Answer).figures).toHaveLength(10_000);
    expect(counts()).toEqual({ ...before, figures: before.figures + 10_000, history: before.history + 10_000 });
    const rows = extraRows();
    expect(rows).toHaveLength(10_000);
    expect(rows.every((r) => r.status === "draft" && r.enteredBy === people.focalRta.email)).toBe(true);
    expect(rows.map((r) => r.value).sort((a, b) => a - b)).toEqual(figures.map((_, i) => i));
    const history = db().select({ id: s.figureHistory.id }).from(s.figureHistory).where(inArray(s.figureHistory.figureId, rows.map((r) => r.id))).all();
    expect(history).toHaveLength(10_000);
  });

  it("refuses 10,001 figures with a 413 that says how many may be sent", async () => {
    const figures = tenThousand(EXTRA_KPIS, () => 1);
    figures.push(figures[0]);
    const before = counts();
    expect(expectError(await send({ body: json(figures) }), 413).message).toMatch(/10001 figures.*at most 10000/);
    const csv = ["entity,kpi,period,value", ...Array.from({ length: 10_001 }, () => "RTA,EXTRA_00,2020-01,1")].join("\n");
    expect(expectError(await send({ body: csv, type: "text/csv" }), 413).message).toMatch(/at most 10000/);
    expect(counts()).toEqual(before);
  });
});

describe("POST /api/v1/figures: hostile and malformed requests answer 4xx in JSON, never 500", () => {
  const figure = json([{ entity: "RTA", kpi: "EXTRA_04", period: "2020-01", value: 1 }]);
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

  const cases: Array<[string, Send, number]> = [
    ["text/plain", { body: figure, type: "text/plain" }, 415],
    ["no Content-Type", { body: figure, type: null }, 415],
    ["a form", { body: "figures=1", type: "application/x-www-form-urlencoded" }, 415],
    ["multipart", { body: "--x\r\n\r\n--x--", type: "multipart/form-data; boundary=x" }, 415],
    ["XML", { body: "<figures/>", type: "application/xml" }, 415],
    ["JSON in Latin-1", { body: figure, type: "application/json; charset=latin1" }, 415],
    ["invalid JSON", { body: "{figures: [}" }, 400],
    ["an empty body", { body: "" }, 400],
    ["a JSON list at the top", { body: "[]" }, 400],
    ["JSON null", { body: "null" }, 400],
    ["a JSON string", { body: '"figures"' }, 400],
    ["figures that are an object", { body: '{"figures":{"0":{}}}' }, 400],
    ["figures that are text", { body: '{"figures":"RTA,EXTRA_04"}' }, 400],
    ["figures missing", { body: '{"figure":[]}' }, 400],
    ["no figures", { body: '{"figures":[]}' }, 400],
    ["deeply nested JSON as the body", { body: deep(200_000) }, 400],
    ["deeply nested JSON inside a figure", { body: `{"figures":[{"entity":"RTA","kpi":"EXTRA_04","period":"2020-01","value":${deep(100_000)}}]}` }, 400],
    ["unterminated nesting", { body: "[".repeat(500_000) }, 400],
    ["invalid UTF-8", { body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }, 400],
    ["an empty CSV", { body: "", type: "text/csv" }, 400],
    ["a CSV of garbage", { body: '"unterminated\n,,,\u0000', type: "text/csv" }, 400],
    ["?submit=yes", { body: figure, query: "?submit=yes" }, 400],
    ["?dryRun twice", { body: figure, query: "?dryRun=true&dryRun=false" }, 400],
    ["a body over UPLOAD_MAX_BYTES", { body: `{"figures":[${" ".repeat(1_100_000)}]}` }, 413],
    ["a declared length over UPLOAD_MAX_BYTES", { body: figure, headers: { "Content-Length": "99999999999" } }, 413],
  ];
  for (const [name, request, status] of cases) {
    it(`${name}: ${status}, nothing written`, async () => {
      const before = counts();
      expectError(await send(request), status);
      expect(counts()).toEqual(before);
    });
  }

  it("a streamed body of unknown length stops being read past UPLOAD_MAX_BYTES: 413", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const before = counts();
    expectError(await send({ body }), 413);
    expect(pulled).toBeLessThan(40); // 1 MiB is 16 chunks: not the 64 MB on offer
    expect(counts()).toEqual(before);
  });

  it("a JSON number in exponent form is read as the number it is", async () => {
    const outcome = await send({ body: json([{ entity: "RTA", kpi: "EXTRA_04", period: "2020-02", value: 1.2e3 }, { entity: "RTA", kpi: "SERVICE_REQUEST_DAYS", period: "2020-02", value: 2e-7 }]) });
    expect(outcome.status).toBe(200);
    expect(figureOf("EXTRA_04", "2020-02")!.value).toBe(1200);
    expect(figureOf("SERVICE_REQUEST_DAYS", "2020-02")!.value).toBe(2e-7);
  });
});
