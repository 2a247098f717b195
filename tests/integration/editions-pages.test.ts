// Published editions as readers see them: the overview, entity and KPI pages say which edition of
// a month they show (or that it is provisional), and /editions lists a month's editions with the
// rows that changed between them, a focal point seeing only the city's and their own entity's.
// On the demo database, through the routes' loaders as Remix calls them.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "editions-pages-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createSession } from "~/auth/session.server";
import { lockPeriod, reopenPeriod } from "~/models/entry.server";
import { editionsOf } from "~/models/published.server";
import { loader as overviewLoader } from "~/routes/_index";
import { loader as editionsLoader } from "~/routes/editions";
import { loader as entityLoader } from "~/routes/entities.$code";
import { loader as kpiLoader } from "~/routes/kpis.$code";
import { db } from "~/utils/db.server";
import { loadDemoData } from "../../seeds/demo";
import { settle } from "../helpers/route";

const NOW = new Date("2026-11-30T10:00:00Z");
const MONTH = "2018-12";
const PROVISIONAL = "2019-01";
const REASON = "DM corrected its December transactions";

type Persona = "admin" | "analyst" | "focalDm" | "focalRta";
const EMAILS: Record<Persona, string> = {
  admin: "admin@example.com",
  analyst: "analyst@example.com",
  focalDm: "focal.dm@example.com",
  focalRta: "focal.rta@example.com",
};
const cookies = {} as Record<Persona, string>;

type Edition = { period: string; number: number; publishedAt: string; reason: string | null } | null;
interface Side {
  actual: number | null;
  status: string;
}
interface EditionsPage {
  period: string;
  ownOnly: boolean;
  editions: Array<{
    number: number;
    publishedAt: string;
    publishedBy: string | null;
    reason: string | null;
    changes: Array<{ kpiCode: string; entityCode: string | null; kpi: { nameEn: string }; entity: { nameEn: string } | null; unit: string; before: Side | null; after: Side | null; change: number | null }> | null;
  }>;
}

type Loader = (args: LoaderFunctionArgs) => unknown;

async function get(loader: Loader, url: string, persona: Persona, params: Record<string, string> = {}) {
  return settle(() => loader({ request: new Request(`http://localhost${url}`, { headers: { Cookie: cookies[persona] } }), params, context: {} }));
}

async function editionsPage(period: string, persona: Persona = "analyst") {
  const answer = await get(editionsLoader, `/editions?period=${period}`, persona);
  expect(answer.status).toBe(200);
  return answer.body as EditionsPage;
}

/** The edition each page says it shows for `period`. */
async function editionOnPages(period: string) {
  const pages = await Promise.all([
    get(overviewLoader, `/?period=${period}`, "analyst"),
    get(entityLoader, `/entities/DM?period=${period}`, "analyst", { code: "DM" }),
    get(kpiLoader, `/kpis/SMART_ADOPTION?period=${period}`, "analyst", { code: "SMART_ADOPTION" }),
  ]);
  return pages.map((page) => {
    expect(page.status).toBe(200);
    return (page.body as { edition: Edition }).edition;
  });
}

const adoption = (entity: string) =>
  db()
    .select()
    .from(s.figures)
    .where(and(eq(s.figures.entityCode, entity), eq(s.figures.kpiCode, "SMART_ADOPTION"), eq(s.figures.period, MONTH)))
    .get()!;
let dm: typeof s.figures.$inferSelect;
let cda: typeof s.figures.$inferSelect;

beforeAll(() => {
  loadDemoData(db(), path.resolve("kpi-definitions"), NOW);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  for (const persona of Object.keys(EMAILS) as Persona[]) {
    const user = db().select().from(s.users).where(eq(s.users.email, EMAILS[persona])).get()!;
    cookies[persona] = `sid=${createSession(db(), user.id, NOW).token}`;
  }
  // The demo may publish December 2018 itself; either way there is one edition, by the administrator.
  lockPeriod(db(), MONTH, "admin@example.com", NOW);
  dm = adoption("DM");
  cda = adoption("CDA");
});

afterAll(() => {
  vi.useRealTimers();
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

describe("a published month", () => {
  it("the overview, entity and KPI pages show its edition; a provisional month's show none", async () => {
    const [{ publishedBy, ...published }] = editionsOf(db(), MONTH);
    expect(publishedBy).toBe("admin@example.com");
    expect(published).toMatchObject({ period: MONTH, number: 1, reason: null });
    // Who published it is an administrator's address: not in what every reader's page receives.
    expect(await editionOnPages(MONTH)).toEqual([published, published, published]);
    expect(editionsOf(db(), PROVISIONAL)).toEqual([]);
    expect(await editionOnPages(PROVISIONAL)).toEqual([null, null, null]);
  });

  it("/editions lists edition 1, by the publisher's name, with no changes to show", async () => {
    const page = await editionsPage(MONTH);
    expect(page.period).toBe(MONTH);
    expect(page.editions).toEqual([
      { number: 1, publishedAt: editionsOf(db(), MONTH)[0].publishedAt, publishedBy: "Demo Administrator", reason: null, changes: null },
    ]);
    // A name, never an address.
    expect(JSON.stringify(await editionsPage(MONTH, "focalRta"))).not.toContain("@");
  });

  it("a provisional month has no edition, and a month out of range is a 400", async () => {
    expect((await editionsPage(PROVISIONAL)).editions).toEqual([]);
    const answer = await get(editionsLoader, "/editions?period=9999-12", "analyst");
    expect(answer.status).toBe(400);
    expect((await get(editionsLoader, "/editions?period=2018-13", "analyst")).status).toBe(400);
  });
});

describe("reopened, corrected and locked again", () => {
  const before = () => (dm.numerator! / dm.denominator!) * 100;

  beforeAll(() => {
    const later = new Date("2026-12-01T08:00:00Z");
    expect(reopenPeriod(db(), MONTH, REASON, "admin@example.com", later)).toBe(true);
    // The corrections, as an import would write them: a new version of each figure, approved.
    // DM's moves ten points and stays met; CDA's moves less but now meets the 80% target.
    db()
      .update(s.figures)
      .set({ numerator: dm.numerator! + dm.denominator! * 0.1, value: before() + 10, version: dm.version + 1 })
      .where(eq(s.figures.id, dm.id))
      .run();
    db()
      .update(s.figures)
      .set({ numerator: cda.denominator! * 0.805, value: 80.5, version: cda.version + 1 })
      .where(eq(s.figures.id, cda.id))
      .run();
    expect(lockPeriod(db(), MONTH, "admin@example.com", later)).toBe(true);
  });

  it("the pages show edition 2 with its reason", async () => {
    const editions = await editionOnPages(MONTH);
    expect(editions.map((e) => [e?.number, e?.reason])).toEqual([
      [2, REASON],
      [2, REASON],
      [2, REASON],
    ]);
  });

  it("/editions shows edition 2's reason and the changed rows, status changes first: before, after and the change", async () => {
    const page = await editionsPage(MONTH);
    expect(page.editions.map((e) => [e.number, e.reason])).toEqual([
      [1, null],
      [2, REASON],
    ]);
    const changes = page.editions[1].changes!;
    const row = changes.find((c) => c.kpiCode === "SMART_ADOPTION" && c.entityCode === "DM");
    expect(row).toMatchObject({
      kpi: { nameEn: "Transactions through e-/smart channels" },
      entity: { nameEn: "Dubai Municipality" },
      unit: "percent",
      before: { actual: expect.closeTo(before(), 6), status: "met" },
      after: { actual: expect.closeTo(before() + 10, 1), status: "met" },
      change: expect.closeTo(10, 1),
    });
    // CDA's smaller move comes first: its status changed. Then DM's, then the city's (which
    // moved with both); nothing else changed.
    expect(changes.map((c) => c.entityCode ?? "city")).toEqual(["CDA", "DM", "city"]);
    expect(changes[0]).toMatchObject({ before: { actual: expect.closeTo(cda.value, 6) }, after: { actual: expect.closeTo(80.5, 6), status: "met" } });
    expect(changes[0].before!.status).not.toBe("met");
    expect(changes[0].change!).toBeLessThan(10);
    expect(changes[2].after!.actual! - changes[2].before!.actual!).toBeGreaterThan(0);
  });

  it("a focal point of another entity sees the city's row, not DM's; DM's focal point sees both", async () => {
    const rta = await editionsPage(MONTH, "focalRta");
    expect(rta.ownOnly).toBe(true);
    const seen = rta.editions[1].changes!.map((c) => c.entityCode ?? "city");
    expect(seen).toContain("city");
    expect(seen).not.toContain("DM");
    expect(seen.every((code) => code === "city" || code === "RTA")).toBe(true);
    const own = (await editionsPage(MONTH, "focalDm")).editions[1].changes!.map((c) => c.entityCode ?? "city");
    expect(own).toEqual(expect.arrayContaining(["city", "DM"]));
  });
});
