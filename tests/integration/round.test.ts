// Each role's home (/round) on the demo database of 30 November 2026, the clock pinned to it.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "round-test-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createSession } from "~/auth/session.server";
import { loader } from "~/routes/round";
import { db } from "~/utils/db.server";
import { loadDemoData } from "../../seeds/demo";
import { settle } from "../helpers/route";

const NOW = new Date("2026-11-30T10:00:00Z");

beforeAll(() => {
  loadDemoData(db(), path.resolve("kpi-definitions"), NOW);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

afterAll(() => {
  vi.useRealTimers();
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

async function home(email: string) {
  const user = db().select().from(s.users).where(eq(s.users.email, email)).get()!;
  const cookie = `sid=${createSession(db(), user.id, NOW).token}`;
  return settle(() => loader({ request: new Request("http://localhost/round", { headers: { Cookie: cookie } }), params: {}, context: {} }));
}

type Focal = {
  kind: "focal";
  current: { period: string; expected: number; draft: number; submitted: number; approved: number; returned: number; missing: number; due: string; timeliness: string };
  minutesLeft: number;
  nextDue: string;
  returned: Array<{ kpi: string; period: string; comment: string }>;
  owed: Array<{ period: string; submitted: number; approved: number; expected: number }>;
};

describe("a focal point's home", () => {
  it("RTA: October is the month to report, all nine approved, nothing owed; next deadline 10 December", async () => {
    const answer = await home("focal.rta@example.com");
    expect(answer.status).toBe(200);
    const data = answer.body as Focal;
    expect(data.kind).toBe("focal");
    expect(data.current).toMatchObject({ period: "2026-10", expected: 9, approved: 9, draft: 0, missing: 0, due: "2026-11-10T19:59:59.999Z", timeliness: "on-time" });
    // Due on 10 November at the end of the day in Dubai: twenty days ago, less ten hours.
    expect(data.minutesLeft).toBe(-(19 * 24 * 60 + 14 * 60));
    expect(data.nextDue).toBe("2026-12-10T19:59:59.999Z");
    expect(data.owed).toEqual([]);
  });

  it("DED: October only in draft, overdue; DHA: September owed with the analyst's comment", async () => {
    const ded = (await home("focal.ded@example.com")).body as Focal;
    expect(ded.current).toMatchObject({ period: "2026-10", draft: 9, submitted: 0, approved: 0, timeliness: "missing" });
    const dha = (await home("focal.dha@example.com")).body as Focal;
    expect(dha.owed.map((m) => [m.period, m.approved, m.expected])).toEqual([["2026-09", 8, 9]]);
    expect(dha.returned).toEqual([{ kpi: "SMART_ADOPTION", period: "2026-09", comment: expect.stringMatching(/denominator/), at: "2026-10-08T06:00:00.000Z" }]);
  });
});

describe("an analyst's home", () => {
  it("lists what waits by entity and month, oldest first, and the entities late with October", async () => {
    const answer = await home("analyst@example.com");
    expect(answer.status).toBe(200);
    const data = answer.body as { kind: string; period: string; queue: Array<{ entity: string; period: string; count: number; oldest: string }>; late: Array<{ code: string; timeliness: string }> };
    expect(data.kind).toBe("review");
    // DM's September came first (5 October); IACAD's October last (15 November).
    expect(data.queue[0]).toMatchObject({ entity: "DM", period: "2026-09", count: 9, oldest: "2026-10-05T06:00:00.000Z" });
    expect(data.queue.at(-1)).toMatchObject({ entity: "IACAD", period: "2026-10" });
    const oldest = data.queue.map((g) => g.oldest);
    expect(oldest).toEqual([...oldest].sort());
    expect(data.queue.some((g) => g.entity === "RTA")).toBe(false);
    expect(Object.fromEntries(data.late.map((e) => [e.code, e.timeliness]))).toEqual({ CDA: "missing", DED: "missing", IACAD: "late" });
  });
});

describe("an administrator's home", () => {
  it("shows the recent months, with August ready to lock and October far from it", async () => {
    const answer = await home("admin@example.com");
    expect(answer.status).toBe(200);
    const months = (answer.body as { months: Array<{ period: string; entities: number; submitted: number; approved: number; late: number; missing: number; readyToLock: boolean }> }).months;
    expect(months.map((m) => m.period)).toEqual(["2026-10", "2026-09", "2026-08", "2026-07", "2026-06", "2026-05"]);
    expect(months[0]).toMatchObject({ entities: 21, approved: 1, missing: 2, late: 1, readyToLock: false });
    expect(months[1]).toMatchObject({ approved: 19, readyToLock: false });
    expect(months[2]).toMatchObject({ approved: 21, readyToLock: true });
  });
});

describe("an executive's home", () => {
  it("is the city overview", async () => {
    const answer = await home("executive@example.com");
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/");
  });
});
