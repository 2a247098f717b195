// The monthly round on a real database, through the route modules as a browser would use them:
// a focal point's draft, edit and submission, an analyst's return and approval, the report
// before and after, locking and reopening the month, the append-only history, two people
// saving the same figure at once, and whether an entity reported on time.
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "figures-workflow-test-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  process.env.LOGIN_SLOWDOWN_MS = "0";
  return { dir };
});

import { rmSync } from "node:fs";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import { hashPasswordSync } from "~/auth/password.server";
import { createSession } from "~/auth/session.server";
import { loadDefinitions } from "~/definitions/load.server";
import { ar, en } from "~/i18n/messages";
import { historyOf, lockPeriod, saveEntry, submissionStates, type EntryItem } from "~/models/entry.server";
import { reportFor } from "~/models/report.server";
import { syncDefinitions } from "~/models/sync.server";
import { createUser } from "~/models/users.server";
import { action as figuresAction, loader as figuresLoader } from "~/routes/figures.$entity.$period";
import { loader as historyLoader } from "~/routes/history.$id";
import { action as periodsAction } from "~/routes/periods";
import { action as reviewAction } from "~/routes/review";
import { db } from "~/utils/db.server";
import { createTestDatabase } from "../helpers/db";
import { settle } from "../helpers/route";
import { csrfFor } from "../helpers/csrf";

const CSRF = "w".repeat(20) + "Flow-".repeat(4) + "_ok"; // 43 base64url characters
const PERIOD = "2021-01";
const PAGE = `/figures/RTA/${PERIOD}`;
const NOW = new Date("2026-03-15T08:00:00.000Z");
const KPI = "SMART_ADOPTION";

type Persona = "focalRta" | "focalRta2" | "focalDm" | "analyst" | "admin";
const users = {} as Record<Persona, { id: number; email: string }>;

// ---------------------------------------------------------------------------------------------
// Calling the routes

const session = (persona: Persona) => `sid=${createSession(db(), users[persona].id, new Date()).token}`;

type RouteFunction = (args: { request: Request; params: Record<string, string>; context: object }) => unknown;

function postForm(fn: RouteFunction, url: string, params: Record<string, string>, fields: Record<string, string>, cookie: string) {
  const body = new URLSearchParams({ ...fields, csrf: csrfFor(`${cookie}; csrf=${CSRF}`) });
  const request = new Request(`http://localhost${url}`, { method: "POST", body, headers: { Cookie: `${cookie}; csrf=${CSRF}` } });
  return settle(() => fn({ request, params, context: { clientIp: "127.0.0.1" } }));
}

function get(fn: RouteFunction, url: string, params: Record<string, string>, cookie: string) {
  const request = new Request(`http://localhost${url}`, { headers: { Cookie: cookie } });
  return settle(() => fn({ request, params, context: { clientIp: "127.0.0.1" } }));
}

const figureParams = { entity: "RTA", period: PERIOD };

interface Typed {
  value?: string;
  numerator?: string;
  denominator?: string;
  comment?: string;
  version: string;
}

function entryForm(intent: "save" | "submit", kpis: Record<string, Typed>): Record<string, string> {
  const fields: Record<string, string> = { intent };
  for (const [code, typed] of Object.entries(kpis)) {
    fields[`version.${code}`] = typed.version;
    for (const name of ["value", "numerator", "denominator", "comment"] as const) {
      if (typed[name] !== undefined) fields[`${name}.${code}`] = typed[name]!;
    }
  }
  return fields;
}

const enter = (persona: Persona, intent: "save" | "submit", kpis: Record<string, Typed>, cookie = session(persona)) =>
  postForm(figuresAction as RouteFunction, PAGE, figureParams, entryForm(intent, kpis), cookie);

const review = (figureId: number, intent: "approve" | "return", comment = "", cookie = session("analyst")) =>
  postForm(reviewAction as RouteFunction, "/review", {}, { figureId: String(figureId), intent, comment }, cookie);

const periods = (fields: Record<string, string>) => postForm(periodsAction as RouteFunction, "/periods", {}, fields, session("admin"));

interface FormItem {
  kpi: string;
  current: { id: number; version: number; status: string; value: number; reviewComment: string | null } | null;
}

async function openForm(cookie: string): Promise<FormItem[]> {
  const page = await get(figuresLoader as RouteFunction, PAGE, figureParams, cookie);
  expect(page.status).toBe(200);
  return (page.body as { items: FormItem[] }).items;
}

// ---------------------------------------------------------------------------------------------
// The database

function fingerprint(): string {
  const sqlite = db().$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .all() as Array<{ name: string }>;
  const hash = createHash("sha256");
  for (const { name } of tables) hash.update(name).update(JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()));
  return hash.digest("hex");
}

function figureAt(kpi: string, period = PERIOD, entity = "RTA") {
  return db()
    .select()
    .from(s.figures)
    .where(and(eq(s.figures.entityCode, entity), eq(s.figures.kpiCode, kpi), eq(s.figures.period, period)))
    .get();
}

const rowOf = (kpi: string, entity: string) => reportFor(db(), PERIOD).rows.find((r) => r.kpi === kpi && r.entity === entity)!;

function syncInto(target: Db) {
  const definitions = loadDefinitions(path.resolve("kpi-definitions"));
  if (!definitions.ok) throw new Error(JSON.stringify(definitions.errors));
  syncDefinitions(target, definitions.definitions, NOW.toISOString());
}

beforeAll(() => {
  syncInto(db());
  const passwordHash = hashPasswordSync("a-long-password");
  const make = (email: string, role: s.Role, entityCode: string | null) => {
    const u = createUser(db(), { email, name: email, role, entityCode, passwordHash }, "test", NOW);
    return { id: u.id, email: u.email };
  };
  users.focalRta = make("focal.rta@workflow.example", "focal-point", "RTA");
  users.focalRta2 = make("second.rta@workflow.example", "focal-point", "RTA");
  users.focalDm = make("focal.dm@workflow.example", "focal-point", "DM");
  users.analyst = make("analyst@workflow.example", "analyst", null);
  users.admin = make("admin@workflow.example", "admin", null);
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe("a figure's round: draft, edit, submit, return, resubmit, approve", () => {
  let id = 0;

  it("before anything is entered, the report has no data for RTA", () => {
    expect(rowOf(KPI, "RTA")).toMatchObject({ actual: null, status: "no-data" });
  });

  it("RTA's focal point saves a draft: status draft, version 1, history 'create'", async () => {
    const before = Date.now();
    const outcome = await enter("focalRta", "save", { [KPI]: { numerator: "960", denominator: "1000", version: "" } });
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe(`${PAGE}?saved=1`);
    const figure = figureAt(KPI)!;
    expect(figure).toMatchObject({
      value: 96,
      numerator: 960,
      denominator: 1000,
      status: "draft",
      version: 1,
      source: "form",
      enteredBy: users.focalRta.email,
      updatedBy: users.focalRta.email,
      submittedAt: null,
      reviewedAt: null,
    });
    expect(new Date(figure.enteredAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    id = figure.id;
    const history = historyOf(db(), id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      action: "create",
      oldValue: null,
      oldStatus: null,
      newValue: 96,
      newNumerator: 960,
      newDenominator: 1000,
      newStatus: "draft",
      actor: users.focalRta.email,
    });
    // A draft is not a figure the office reports.
    expect(rowOf(KPI, "RTA")).toMatchObject({ actual: null, status: "no-data" });
  });

  it("edits it: version 2, history 'edit' with the old and the new values", async () => {
    const outcome = await enter("focalRta", "save", { [KPI]: { numerator: "970", denominator: "1000", version: "1" } });
    expect(outcome.status).toBe(302);
    expect(figureAt(KPI)).toMatchObject({ id, value: 97, numerator: 970, status: "draft", version: 2 });
    const history = historyOf(db(), id);
    expect(history.map((h) => h.action)).toEqual(["create", "edit"]);
    expect(history[1]).toMatchObject({
      oldValue: 96,
      oldNumerator: 960,
      oldDenominator: 1000,
      oldStatus: "draft",
      newValue: 97,
      newNumerator: 970,
      newDenominator: 1000,
      newStatus: "draft",
      actor: users.focalRta.email,
    });
  });

  it("submits it: status submitted, submittedAt set, history 'submit'", async () => {
    const before = Date.now();
    const outcome = await enter("focalRta", "submit", { [KPI]: { numerator: "970", denominator: "1000", version: "2" } });
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe(`${PAGE}?submitted=1&late=1`);
    const figure = figureAt(KPI)!;
    expect(figure).toMatchObject({ status: "submitted", version: 3, value: 97, submittedBy: users.focalRta.email });
    expect(figure.submittedAt).not.toBeNull();
    expect(new Date(figure.submittedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const history = historyOf(db(), id);
    expect(history.map((h) => h.action)).toEqual(["create", "edit", "submit"]);
    expect(history[2]).toMatchObject({ oldStatus: "draft", newStatus: "submitted", oldValue: 97, newValue: 97 });
    // Awaiting review is not approved: still no data in the report.
    expect(rowOf(KPI, "RTA")).toMatchObject({ actual: null, status: "no-data" });
  });

  it("the focal point can no longer change the submitted figure: its inputs are skipped and nothing changes", async () => {
    const items = await openForm(session("focalRta"));
    expect(items.find((i) => i.kpi === KPI)!.current).toMatchObject({ status: "submitted", version: 3 });
    for (const intent of ["save", "submit"] as const) {
      const cookie = session("focalRta");
      const before = fingerprint();
      const outcome = await enter("focalRta", intent, { [KPI]: { numerator: "500", denominator: "1000", version: "3" } }, cookie);
      expect(outcome.status).toBe(302);
      expect(outcome.location).toBe(`${PAGE}?${intent === "save" ? "saved" : "submitted"}=0`);
      expect(fingerprint()).toBe(before);
    }
    expect(figureAt(KPI)).toMatchObject({ value: 97, status: "submitted", version: 3 });
  });

  it("the analyst returns it without a comment: 400 review.error.comment-required, nothing changes", async () => {
    for (const comment of ["", "   \n "]) {
      const cookie = session("analyst");
      const before = fingerprint();
      const outcome = await review(id, "return", comment, cookie);
      expect(outcome.status).toBe(400);
      expect(outcome.body).toMatchObject({ error: "review.error.comment-required", figureId: id });
      expect(fingerprint()).toBe(before);
    }
    expect(en).toHaveProperty(["review.error.comment-required"]);
    expect(ar).toHaveProperty(["review.error.comment-required"]);
    expect(figureAt(KPI)).toMatchObject({ status: "submitted", version: 3, reviewComment: null });
  });

  it("the analyst returns it with a comment: status returned, the comment stored, history 'return'", async () => {
    const comment = "The denominator should include kiosk transactions.";
    const outcome = await review(id, "return", comment);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ done: "review.returned", figureId: id });
    expect(figureAt(KPI)).toMatchObject({ status: "returned", version: 4, reviewComment: comment, reviewedBy: users.analyst.email });
    const last = historyOf(db(), id).at(-1)!;
    expect(last).toMatchObject({ action: "return", oldStatus: "submitted", newStatus: "returned", comment, actor: users.analyst.email });
    // The focal point's form shows the returned figure with the analyst's comment, editable again.
    const items = await openForm(session("focalRta"));
    expect(items.find((i) => i.kpi === KPI)!.current).toMatchObject({ status: "returned", reviewComment: comment, version: 4 });
    expect(rowOf(KPI, "RTA")).toMatchObject({ actual: null, status: "no-data" });
  });

  it("the focal point corrects it and submits it again", async () => {
    const outcome = await enter("focalRta", "submit", { [KPI]: { numerator: "980", denominator: "1000", comment: "Kiosks added.", version: "4" } });
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe(`${PAGE}?submitted=1&late=1`);
    expect(figureAt(KPI)).toMatchObject({ status: "submitted", version: 5, value: 98, numerator: 980, comment: "Kiosks added." });
    const last = historyOf(db(), id).at(-1)!;
    expect(last).toMatchObject({ action: "submit", oldValue: 97, oldStatus: "returned", newValue: 98, newStatus: "submitted" });
  });

  it("the analyst approves it: status approved, history 'approve'; the report now shows it", async () => {
    expect(rowOf(KPI, "RTA")).toMatchObject({ actual: null, status: "no-data" });
    const outcome = await review(id, "approve");
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ done: "review.approved", figureId: id });
    expect(figureAt(KPI)).toMatchObject({ status: "approved", version: 6, reviewedBy: users.analyst.email, reviewComment: null });
    expect(historyOf(db(), id).map((h) => h.action)).toEqual(["create", "edit", "submit", "return", "submit", "approve"]);
    expect(historyOf(db(), id).at(-1)).toMatchObject({ oldStatus: "submitted", newStatus: "approved", newValue: 98, actor: users.analyst.email });
    expect(rowOf(KPI, "RTA")).toMatchObject({ actual: 98, target: 95, targetKind: "final", status: "met" });
  });

  it("an approved figure cannot be reviewed again, nor changed by the focal point", async () => {
    // Each request below signs in afresh: everything but the sessions must stay as it was.
    const before = fingerprintWithoutSessions();
    const again = await review(id, "approve");
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: "review.error.not-submitted" });
    const changed = await enter("focalRta", "save", { [KPI]: { numerator: "1", denominator: "1000", version: "6" } });
    expect(changed.location).toBe(`${PAGE}?saved=0`);
    const unknown = await review(999_999, "approve");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: "review.error.not-found" });
    for (const key of ["review.error.not-submitted", "review.error.not-found"]) {
      expect(en).toHaveProperty([key]);
      expect(ar).toHaveProperty([key]);
    }
    expect(fingerprintWithoutSessions()).toBe(before);
    expect(figureAt(KPI)).toMatchObject({ status: "approved", value: 98, version: 6 });
  });
});

/** The fingerprint without the sessions table, for checks that need a new session mid-way. */
function fingerprintWithoutSessions(): string {
  const sqlite = db().$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name <> 'sessions' ORDER BY name")
    .all() as Array<{ name: string }>;
  const hash = createHash("sha256");
  for (const { name } of tables) hash.update(name).update(JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()));
  return hash.digest("hex");
}

describe("two people saving the same figure", () => {
  const CODE = "OPEN_DATASETS";

  it("two sessions of RTA's focal point open the form; the second save with the stale version is refused with 409 and the first's figure", async () => {
    const first = session("focalRta");
    const second = session("focalRta");
    const [a, b] = await Promise.all([openForm(first), openForm(second)]);
    const versionA = a.find((i) => i.kpi === CODE)!.current?.version ?? "";
    const versionB = b.find((i) => i.kpi === CODE)!.current?.version ?? "";
    expect(versionA).toBe(versionB);

    const saved = await enter("focalRta", "save", { [CODE]: { value: "10", version: String(versionA) } }, first);
    expect(saved.status).toBe(302);
    expect(figureAt(CODE)).toMatchObject({ value: 10, version: 1, updatedBy: users.focalRta.email });

    const before = fingerprint();
    const stale = await enter("focalRta", "save", { [CODE]: { value: "20", version: String(versionB) } }, second);
    expect(stale.status).toBe(409);
    const body = stale.body as { conflicts: Record<string, { value: number; by: string; at: string }>; problems: object; values: Record<string, { value?: string }> };
    expect(body.conflicts[CODE]).toMatchObject({ value: 10, by: users.focalRta.email });
    expect(body.conflicts[CODE].at).toBe(figureAt(CODE)!.updatedAt);
    expect(body.problems).toEqual({});
    // What the second person typed comes back, so it can be entered again after a look.
    expect(body.values[CODE]).toMatchObject({ value: "20" });
    expect(fingerprint()).toBe(before);
    expect(figureAt(CODE)).toMatchObject({ value: 10, version: 1 });
    expect(en).toHaveProperty(["entry.conflict"]);
    expect(ar).toHaveProperty(["entry.conflict"]);
  });

  it("the same with a figure already saved, and two different focal points of RTA: the conflict names who saved", async () => {
    const mine = session("focalRta");
    const theirs = session("focalRta2");
    const [a, b] = await Promise.all([openForm(mine), openForm(theirs)]);
    const version = String(a.find((i) => i.kpi === CODE)!.current!.version);
    expect(String(b.find((i) => i.kpi === CODE)!.current!.version)).toBe(version);

    expect((await enter("focalRta2", "save", { [CODE]: { value: "11", version } }, theirs)).status).toBe(302);
    const before = fingerprint();
    const stale = await enter("focalRta", "save", { [CODE]: { value: "21", version } }, mine);
    expect(stale.status).toBe(409);
    expect((stale.body as { conflicts: Record<string, unknown> }).conflicts[CODE]).toMatchObject({ value: 11, by: users.focalRta2.email });
    expect(fingerprint()).toBe(before);
    expect(figureAt(CODE)).toMatchObject({ value: 11, version: 2, updatedBy: users.focalRta2.email });
  });
});

describe("who may read a figure's history", () => {
  it("DM's focal point gets 403 for an RTA figure; the analyst and RTA's focal point get 200", async () => {
    const id = figureAt(KPI)!.id;
    const url = `/history/${id}`;
    const params = { id: String(id) };
    const dm = await get(historyLoader as RouteFunction, url, params, session("focalDm"));
    expect(dm.status).toBe(403);
    const analyst = await get(historyLoader as RouteFunction, url, params, session("analyst"));
    expect(analyst.status).toBe(200);
    const body = analyst.body as { figure: { id: number }; history: Array<{ action: string }> };
    expect(body.figure.id).toBe(id);
    expect(body.history.map((h) => h.action)).toEqual(historyOf(db(), id).map((h) => h.action));
    const rta = await get(historyLoader as RouteFunction, url, params, session("focalRta"));
    expect(rta.status).toBe(200);
  });
});

describe("locking and reopening a month", () => {
  const lockedKpis = () =>
    db()
      .select()
      .from(s.figures)
      .where(eq(s.figures.period, PERIOD))
      .orderBy(asc(s.figures.id))
      .all();
  let waiting = 0;

  it("a figure is waiting for review when the month is locked", async () => {
    const outcome = await enter("focalRta", "submit", { SERVICE_REQUEST_DAYS: { value: "4", version: "" } });
    expect(outcome.status).toBe(302);
    waiting = figureAt("SERVICE_REQUEST_DAYS")!.id;
    expect(figureAt("SERVICE_REQUEST_DAYS")).toMatchObject({ status: "submitted" });
  });

  it("lockPeriod appends a 'lock' row to each figure of the month, with nothing else changed", () => {
    const figures = lockedKpis();
    expect(figures.length).toBe(3);
    const counts = new Map(figures.map((f) => [f.id, historyOf(db(), f.id).length]));
    expect(lockPeriod(db(), PERIOD, users.admin.email, NOW)).toBe(true);
    for (const f of figures) {
      const history = historyOf(db(), f.id);
      expect(history).toHaveLength(counts.get(f.id)! + 1);
      expect(history.at(-1)).toMatchObject({
        action: "lock",
        actor: users.admin.email,
        at: NOW.toISOString(),
        oldValue: f.value,
        newValue: f.value,
        oldStatus: f.status,
        newStatus: f.status,
      });
    }
    expect(lockedKpis()).toEqual(figures);
    expect(db().select().from(s.periodLocks).all()).toEqual([{ period: PERIOD, lockedBy: users.admin.email, lockedAt: NOW.toISOString() }]);
    // Locking a locked month does nothing more.
    const before = fingerprint();
    expect(lockPeriod(db(), PERIOD, users.admin.email, NOW)).toBe(false);
    expect(fingerprint()).toBe(before);
  });

  it("a locked month refuses a save (423) and a review (423)", async () => {
    const version = String(figureAt("OPEN_DATASETS")!.version);
    const cookie = session("focalRta");
    const analystCookie = session("analyst");
    const before = fingerprint();
    const saved = await enter("focalRta", "save", { OPEN_DATASETS: { value: "12", version } }, cookie);
    expect(saved.status).toBe(423);
    expect(saved.body).toMatchObject({ locked: true });
    const reviewed = await postForm(reviewAction as RouteFunction, "/review", {}, { figureId: String(waiting), intent: "approve", comment: "" }, analystCookie);
    expect(reviewed.status).toBe(423);
    expect(reviewed.body).toMatchObject({ error: "review.error.locked" });
    expect(fingerprint()).toBe(before);
    for (const key of ["entry.locked", "review.error.locked"]) {
      expect(en).toHaveProperty([key]);
      expect(ar).toHaveProperty([key]);
    }
  });

  it("reopening without a reason is refused by /periods (400); nothing changes", async () => {
    for (const reason of ["", "   "]) {
      const fields: Record<string, string> = { intent: "reopen", period: PERIOD, reason };
      const cookie = session("admin");
      const before = fingerprint();
      const outcome = await postForm(periodsAction as RouteFunction, "/periods", {}, fields, cookie);
      expect(outcome.status).toBe(400);
      expect(outcome.body).toMatchObject({ error: "periods.reasonRequired" });
      expect(fingerprint()).toBe(before);
    }
    const noField = await periods({ intent: "reopen", period: PERIOD });
    expect(noField.status).toBe(400);
    expect(en).toHaveProperty(["periods.reasonRequired"]);
    expect(ar).toHaveProperty(["periods.reasonRequired"]);
    expect(db().select().from(s.periodLocks).all()).toHaveLength(1);
  });

  it("reopening with a reason appends 'reopen' rows carrying it, and the month takes changes again", async () => {
    const reason = "RTA's finance team corrected the e-payment totals.";
    const figures = lockedKpis();
    const outcome = await periods({ intent: "reopen", period: PERIOD, reason });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ message: "periods.reopened", period: PERIOD });
    expect(db().select().from(s.periodLocks).all()).toEqual([]);
    const events = db().select().from(s.periodEvents).orderBy(asc(s.periodEvents.id)).all();
    expect(events.map((e) => [e.action, e.reason])).toEqual([
      ["lock", null],
      ["reopen", reason],
    ]);
    for (const f of figures) {
      expect(historyOf(db(), f.id).at(-1)).toMatchObject({ action: "reopen", comment: reason, actor: users.admin.email, oldValue: f.value, newValue: f.value });
    }
    const version = String(figureAt("OPEN_DATASETS")!.version);
    const saved = await enter("focalRta", "save", { OPEN_DATASETS: { value: "12", version } });
    expect(saved.status).toBe(302);
    expect(figureAt("OPEN_DATASETS")).toMatchObject({ value: 12 });
    const reviewed = await review(waiting, "approve");
    expect(reviewed.status).toBe(200);
  });
});

describe("figure_history is append-only", () => {
  it("raw SQL can neither update nor delete a history row", () => {
    const sqlite = db().$client;
    const count = () => (sqlite.prepare("SELECT count(*) AS n FROM figure_history").get() as { n: number }).n;
    const n = count();
    expect(n).toBeGreaterThan(0);
    const before = fingerprint();
    expect(() => sqlite.prepare("UPDATE figure_history SET comment = 'rewritten' WHERE id = (SELECT min(id) FROM figure_history)").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("UPDATE figure_history SET new_value = 0").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("DELETE FROM figure_history WHERE id = (SELECT max(id) FROM figure_history)").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("DELETE FROM figure_history").run()).toThrow(/append-only/);
    expect(count()).toBe(n);
    expect(fingerprint()).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Timeliness: each scenario on a database of its own, with explicit moments on saveEntry.

describe("whether RTA reported 2021-01 on time (due 2021-02-10, end of the day in Dubai)", () => {
  const month: Record<string, Omit<EntryItem, "kpi" | "version">> = {
    SMART_ADOPTION: { numerator: "960", denominator: "1000" },
    HAPPINESS_METER_DEPLOYED: { value: "1" },
    HAPPINESS_SCORE: { numerator: "920", denominator: "1000" },
    SERVICE_REQUEST_DAYS: { value: "4" },
    EPAYMENT_SHARE: { numerator: "800", denominator: "1000" },
    MPAYMENT_SHARE: { numerator: "300", denominator: "1000" },
    GIN_CONNECTED: { value: "1" },
    GOV_CLOUD_HOSTING: { numerator: "700", denominator: "1000" },
    OPEN_DATASETS: { value: "12" },
  };

  /** RTA's month saved as drafts early, then submitted at `submittedAt`; the state read at `now`. */
  function scenario(submittedAt: string | null, now: string) {
    const test = createTestDatabase();
    try {
      syncInto(test.db);
      const run = (intent: "save" | "submit", at: string, versions: Record<string, string>) =>
        saveEntry(test.db, {
          entity: "RTA",
          period: PERIOD,
          intent,
          items: Object.entries(month).map(([kpi, typed]) => ({ kpi, ...typed, comment: "checked", version: versions[kpi] ?? "" })),
          actor: "focal.rta@workflow.example",
          now: new Date(at),
          currentPeriod: "2021-02",
          jumpShare: 0.25,
        });
      expect(run("save", "2021-02-01T06:00:00.000Z", {})).toMatchObject({ ok: true, saved: 9 });
      if (submittedAt) {
        expect(run("submit", submittedAt, Object.fromEntries(Object.keys(month).map((k) => [k, "1"])))).toMatchObject({ ok: true, submitted: 9 });
      }
      const states = submissionStates(test.db, PERIOD, 10, new Date(now));
      return { rta: states.find((e) => e.code === "RTA")!, dm: states.find((e) => e.code === "DM")! };
    } finally {
      test.close();
    }
  }

  it("submitted at 2021-02-10T19:59:59Z: on time", () => {
    const { rta, dm } = scenario("2021-02-10T19:59:59.000Z", NOW.toISOString());
    expect(rta).toMatchObject({ expected: 9, submitted: 9, draft: 0, timeliness: "on-time" });
    expect(dm.timeliness).toBe("missing");
  });

  it("submitted at the last millisecond of the day in Dubai: still on time", () => {
    expect(scenario("2021-02-10T19:59:59.999Z", NOW.toISOString()).rta.timeliness).toBe("on-time");
  });

  it("submitted at 2021-02-10T20:00:00Z (midnight in Dubai): late", () => {
    expect(scenario("2021-02-10T20:00:00.000Z", NOW.toISOString()).rta).toMatchObject({ submitted: 9, timeliness: "late" });
  });

  it("drafts saved in time but submitted a day late: late (a draft has not arrived)", () => {
    expect(scenario("2021-02-11T08:00:00.000Z", NOW.toISOString()).rta.timeliness).toBe("late");
  });

  it("only drafts: not due before the due moment, missing after it", () => {
    expect(scenario(null, "2021-02-05T00:00:00.000Z").rta).toMatchObject({ draft: 9, timeliness: "not-due" });
    expect(scenario(null, NOW.toISOString()).rta).toMatchObject({ draft: 9, timeliness: "missing" });
  });
});
