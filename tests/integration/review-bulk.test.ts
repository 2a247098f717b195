// Review in bulk: an entity's month approved in one action, the queue grouped and filtered, jumps
// flagged with last month's value beside them. On the demo database of 30 November 2026.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "review-bulk-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createSession } from "~/auth/session.server";
import { lockPeriod } from "~/models/entry.server";
import { action as periodsAction, loader as periodsLoader } from "~/routes/periods";
import { action, loader } from "~/routes/review";
import { db } from "~/utils/db.server";
import { loadDemoData } from "../../seeds/demo";
import { csrfFor } from "../helpers/csrf";
import { settle } from "../helpers/route";

const NOW = new Date("2026-11-30T10:00:00Z");
let cookie = "";
let admin = "";
const adminCookie = () => admin;

beforeAll(() => {
  loadDemoData(db(), path.resolve("kpi-definitions"), NOW);
  const analyst = db().select().from(s.users).where(eq(s.users.email, "analyst@example.com")).get()!;
  cookie = `sid=${createSession(db(), analyst.id, new Date()).token}`;
  const administrator = db().select().from(s.users).where(eq(s.users.email, "admin@example.com")).get()!;
  admin = `sid=${createSession(db(), administrator.id, new Date()).token}`;
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

type Group = { entity: { code: string }; period: string; rows: Array<{ figure: { kpiCode: string; value: number }; previous: number | null; jump: number | null }> };
const page = (query = "") =>
  settle(() => loader({ request: new Request(`http://localhost/review${query}`, { headers: { Cookie: cookie } }), params: {}, context: {} }));
const post = (form: Record<string, string>) => {
  const body = new URLSearchParams({ ...form, csrf: csrfFor(cookie) });
  return settle(() => action({ request: new Request("http://localhost/review", { method: "POST", body, headers: { Cookie: cookie } }), params: {}, context: {} }));
};
const statuses = (entity: string, period: string) =>
  db().$client.prepare("SELECT status, count(*) AS n FROM figures WHERE entity_code = ? AND period = ? GROUP BY status").all(entity, period);

describe("the review queue", () => {
  it("groups by entity and month, the oldest first, and filters by entity and month", async () => {
    const all = (await page()).body as { groups: Group[] };
    expect(all.groups[0]).toMatchObject({ entity: { code: "DM" }, period: "2026-09" });
    expect(all.groups[0].rows).toHaveLength(9);
    const dewa = (await page("?entity=DEWA&period=2026-10")).body as { groups: Group[] };
    expect(dewa.groups.map((g) => [g.entity.code, g.period, g.rows.length])).toEqual([["DEWA", "2026-10", 9]]);
    // Last month's value beside each figure.
    expect(dewa.groups[0].rows.every((r) => r.previous !== null)).toBe(true);
  });

  it("answers 400 for an unknown entity or an absurd month", async () => {
    expect((await page("?entity=NOPE")).status).toBe(400);
    expect((await page("?period=9999-12")).status).toBe(400);
    expect((await page("?period=2026-13")).status).toBe(400);
  });

  it("flags a figure that jumped on last month", async () => {
    db().$client.prepare("UPDATE figures SET value = value * 2 WHERE entity_code = 'DP' AND period = '2026-10' AND kpi_code = 'OPEN_DATASETS'").run();
    const dp = (await page("?entity=DP&period=2026-10")).body as { groups: Group[] };
    const flagged = dp.groups[0].rows.filter((r) => r.jump !== null);
    expect(flagged.map((r) => r.figure.kpiCode)).toEqual(["OPEN_DATASETS"]);
    expect(flagged[0].jump).toBeCloseTo(flagged[0].figure.value / flagged[0].previous! - 1, 10);
  });

  it("filters by KPI, and says what status each figure would have once approved", async () => {
    db().$client.prepare("UPDATE figures SET value = 10, numerator = 10, denominator = 100 WHERE entity_code = 'DP' AND period = '2026-10' AND kpi_code = 'SMART_ADOPTION'").run();
    const answer = (await page("?period=2026-10&kpi=SMART_ADOPTION")).body as { groups: Array<Group & { rows: Array<{ status: string | null }> }> };
    expect(answer.groups.every((g) => g.rows.length === 1 && g.rows[0].figure.kpiCode === "SMART_ADOPTION")).toBe(true);
    const dp = answer.groups.find((g) => g.entity.code === "DP")!;
    expect(dp.rows[0].status).toBe("off-track");
    const dewa = answer.groups.find((g) => g.entity.code === "DEWA")!;
    expect(dewa.rows[0].status).toBe("met");
    expect((await page("?kpi=NOPE")).status).toBe(400);
  });

  it("approves an entity's month in one action, with a history row for each figure", async () => {
    const before = (db().$client.prepare("SELECT count(*) AS n FROM figure_history WHERE action = 'approve'").get() as { n: number }).n;
    const answer = await post({ intent: "approve-month", entity: "DEWA", period: "2026-10" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ done: "review.approvedMonth", count: 9 });
    expect(statuses("DEWA", "2026-10")).toEqual([{ status: "approved", n: 9 }]);
    const after = (db().$client.prepare("SELECT count(*) AS n FROM figure_history WHERE action = 'approve'").get() as { n: number }).n;
    expect(after - before).toBe(9);
    // Nothing left to approve: a second click is a 409, not a silent success.
    expect((await post({ intent: "approve-month", entity: "DEWA", period: "2026-10" })).status).toBe(409);
  });

  it("refuses a locked month and writes nothing", async () => {
    expect(lockPeriod(db(), "2026-09", "admin@example.com", new Date())).toBe(true);
    const answer = await post({ intent: "approve-month", entity: "DM", period: "2026-09" });
    expect(answer.status).toBe(423);
    expect(statuses("DM", "2026-09")).toEqual([{ status: "submitted", n: 9 }]);
  });

  it("answers 400 for an unknown entity or month in the action", async () => {
    expect((await post({ intent: "approve-month", entity: "NOPE", period: "2026-10" })).status).toBe(400);
    expect((await post({ intent: "approve-month", entity: "DP", period: "20261" })).status).toBe(400);
  });
});

describe("locking a month with its checklist", () => {
  const lockPost = (form: Record<string, string>) => {
    const body = new URLSearchParams({ ...form, csrf: csrfFor(adminCookie()) });
    return settle(() => periodsAction({ request: new Request("http://localhost/periods", { method: "POST", body, headers: { Cookie: adminCookie() } }), params: {}, context: {} }));
  };
  const locked = (period: string) => db().$client.prepare("SELECT count(*) AS n FROM period_locks WHERE period = ?").get(period) as { n: number };

  it("shows what is not yet approved in October: one entity in draft, one missing, the rest waiting", async () => {
    const page = await settle(() =>
      periodsLoader({ request: new Request("http://localhost/periods?period=2026-10", { headers: { Cookie: adminCookie() } }), params: {}, context: {} }),
    );
    expect(page.status).toBe(200);
    const behind = (page.body as { check: { behind: Array<{ code: string; draft: number; missing: number; approved: number; expected: number }> } }).check.behind;
    expect(behind.find((e) => e.code === "DED")).toMatchObject({ draft: 9, approved: 0, expected: 9 });
    expect(behind.find((e) => e.code === "CDA")).toMatchObject({ missing: 9 });
    expect(behind.some((e) => e.code === "RTA" || e.code === "DEWA")).toBe(false);
  });

  it("refuses to lock over unapproved figures without a confirmation (409, not locked), then locks with it", async () => {
    const refused = await lockPost({ intent: "lock", period: "2026-10" });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: "periods.confirmRequired" });
    expect(locked("2026-10").n).toBe(0);
    const done = await lockPost({ intent: "lock", period: "2026-10", confirm: "yes" });
    expect(done.status).toBe(200);
    expect(locked("2026-10").n).toBe(1);
  });

  it("locks a fully approved month at once", async () => {
    const done = await lockPost({ intent: "lock", period: "2026-08" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ message: "periods.locked" });
  });

  it("answers 400 for an absurd month in the address", async () => {
    const page = await settle(() =>
      periodsLoader({ request: new Request("http://localhost/periods?period=9999-12", { headers: { Cookie: adminCookie() } }), params: {}, context: {} }),
    );
    expect(page.status).toBe(400);
  });
});
