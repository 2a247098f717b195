// Published editions on the demo database: locking publishes, definitions changed later leave the
// edition as published, reopening and locking again publishes the next, and `kpi verify` catches
// a figure or an edition altered behind the app's back.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDatabase, type Db } from "../../db/index";
import * as s from "../../db/schema";
import { lockPeriod } from "~/models/entry.server";
import { reportChanges } from "~/models/editions.server";
import { entityScorecardFor, statusReportFor } from "~/models/scorecards.server";
import { editionReport, editionsOf } from "~/models/published.server";
import { DEMO_PUBLISHED, loadDemoData } from "../../seeds/demo";
import { runKpi } from "../../cli/run";

const NOW = new Date("2026-11-30T10:00:00Z");
const MONTH = "2018-12";

let dir: string;
let definitions: string;
let db: Db;

function kpi(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runKpi(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { DATABASE_PATH: path.join(dir, "app.db"), KPI_DEFINITIONS_DIR: definitions },
    now: NOW,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "editions-test-"));
  definitions = path.join(dir, "kpi-definitions");
  cpSync(path.resolve("kpi-definitions"), definitions, { recursive: true });
  // The same connection the command line opens (one per file and process).
  db = getDatabase(path.join(dir, "app.db"));
  loadDemoData(db, definitions, NOW);
});

afterAll(() => {
  db.$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("publishing December 2018", () => {
  let published: string;

  it("the demo published it on 12 January 2019 as edition 1: its report, its definitions by hash, its figures with their versions", () => {
    expect(editionsOf(db, MONTH)).toEqual([
      { period: MONTH, number: 1, publishedAt: DEMO_PUBLISHED.at, publishedBy: "admin@example.com", reason: null },
    ]);
    const row = db.select().from(s.editions).where(eq(s.editions.period, MONTH)).get()!;
    const figures = JSON.parse(row.figures) as unknown[][];
    // The thirteen months the report reads (December 2017 to December 2018), approved.
    expect(figures.length).toBe(db.select().from(s.figures).all().filter((f) => f.status === "approved" && f.period >= "2017-12" && f.period <= MONTH).length);
    expect(figures.length).toBeGreaterThan(2000);
    expect(db.select().from(s.definitionSets).where(eq(s.definitionSets.hash, row.definitionsHash)).all()).toHaveLength(1);
    // What the report command prints is the edition, and it is what the engine computes from the same figures now.
    published = kpi(["report", "--period", MONTH]).out;
    expect(JSON.parse(published)).toEqual(JSON.parse(row.report));
    const smartCity = (JSON.parse(published) as { rows: Array<{ kpi: string; entity: string | null; actual: number }> }).rows.find(
      (r) => r.kpi === "SMART_ADOPTION" && r.entity === null,
    )!;
    expect(smartCity.actual).toBeCloseTo(89.7, 1);
    // A month not locked is provisional; locking it from the command line publishes its edition 1.
    expect(editionReport(db, "2019-06")).toBeNull();
    expect(kpi(["period", "lock", "--period", "2019-06", "--reason", "the June round is complete"])).toMatchObject({ code: 0, out: "locked 2019-06: published edition 1" });
    expect(kpi(["period", "lock", "--period", "2019-06"])).toMatchObject({ code: 1, err: "2019-06 is already locked" });
    // The reason given when locking is the edition's.
    expect(editionReport(db, "2019-06")!.edition).toMatchObject({ number: 1, publishedBy: "cli", publishedAt: NOW.toISOString(), reason: "the June round is complete" });
  });

  it("an edition cannot be updated or deleted", () => {
    expect(() => db.$client.prepare(`UPDATE editions SET report = '{}' WHERE period = ?`).run(MONTH)).toThrow(/append-only/);
    expect(() => db.$client.prepare(`DELETE FROM editions WHERE period = ?`).run(MONTH)).toThrow(/append-only/);
    expect(() => db.$client.prepare(`DELETE FROM definition_sets`).run()).toThrow(/append-only/);
  });

  it("a later change to the definitions leaves the edition byte for byte; --recompute shows the difference", () => {
    // The office raises the 2018 target from 80% to 90% and syncs.
    const file = path.join(definitions, "kpis", "smart-adoption.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("- { value: 80, due: 2018-12, from: { period: 2016-06, value: 60 } }", "- { value: 90, due: 2018-12, from: { period: 2016-06, value: 60 } }"));
    expect(kpi(["sync"]).code).toBe(0);

    expect(kpi(["report", "--period", MONTH]).out).toBe(published);
    const recomputed = kpi(["report", "--period", MONTH, "--recompute"]);
    expect(recomputed.code).toBe(0);
    expect(recomputed.out).not.toBe(published);
    const [head, ...lines] = recomputed.err.split("\n");
    expect(head).toMatch(/^\d+ row\(s\) differ from edition 1 with today's definitions$/);
    // CDA (74%) was below 80% already; an entity between 80% and 90% now misses: e.g. the city row stays, entities change status.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith("  SMART_ADOPTION "))).toBe(true);
    expect(kpi(["verify"])).toMatchObject({ code: 0 });
    // The overview's statuses (league, heatmap) are the edition's too, not today's recomputation.
    const edition = editionReport(db, MONTH)!.report;
    const statuses = statusReportFor(db, MONTH);
    const status = (r: { rows: Array<{ kpi: string; entity: string | null; status: string }> }, entity: string) =>
      r.rows.find((x) => x.kpi === "SMART_ADOPTION" && x.entity === entity)!.status;
    for (const entity of ["RTA", "DM", "CDA", "IACAD"]) expect(status(statuses, entity)).toBe(status(edition, entity));
    expect(statuses.entities).toEqual(edition.entities);
  });

  it("an entity added after the month was published still has a scorecard for it, computed", () => {
    db.insert(s.entities).values({ code: "NEWCO", nameEn: "New company", nameAr: "شركة جديدة", position: 99, syncedAt: NOW.toISOString() }).run();
    db.insert(s.kpiReporters).values({ kpiCode: "SMART_ADOPTION", entityCode: "NEWCO" }).run();
    const card = entityScorecardFor(db, "NEWCO", MONTH, { dueDay: 10, now: NOW });
    expect(card).not.toBeNull();
    expect(card!.compliance).toMatchObject({ code: "NEWCO", assessed: expect.any(Number) });
    db.delete(s.kpiReporters).where(eq(s.kpiReporters.entityCode, "NEWCO")).run();
    db.delete(s.entities).where(eq(s.entities.code, "NEWCO")).run();
  });

  it("reopening, changing a figure and locking again publishes edition 2, and the difference names the changed rows", () => {
    expect(kpi(["period", "reopen", "--period", MONTH])).toMatchObject({ code: 2 });
    expect(kpi(["period", "reopen", "--period", MONTH, "--reason", "DM corrected its December transactions"])).toMatchObject({ code: 0 });
    const dm = db
      .select()
      .from(s.figures)
      .where(and(eq(s.figures.entityCode, "DM"), eq(s.figures.kpiCode, "SMART_ADOPTION"), eq(s.figures.period, MONTH)))
      .get()!;
    // The correction, as an import would write it: a new version of the figure, approved.
    db.update(s.figures)
      .set({ numerator: dm.numerator! + dm.denominator! * 0.05, value: (dm.numerator! / dm.denominator!) * 100 + 5, version: dm.version + 1 })
      .where(eq(s.figures.id, dm.id))
      .run();
    expect(lockPeriod(db, MONTH, "admin@example.com", new Date("2026-12-01T08:00:00Z"))).toBe(true);

    const editions = editionsOf(db, MONTH);
    expect(editions.map((e) => [e.number, e.reason])).toEqual([
      [1, null],
      [2, "DM corrected its December transactions"],
    ]);
    const first = editionReport(db, MONTH, 1)!.report;
    const second = editionReport(db, MONTH, 2)!.report;
    const changes = reportChanges(first, second);
    expect(changes.find((c) => c.kpi === "SMART_ADOPTION" && c.entity === "DM")).toMatchObject({
      before: { actual: expect.closeTo((dm.numerator! / dm.denominator!) * 100, 6) },
      after: { actual: expect.closeTo((dm.numerator! / dm.denominator!) * 100 + 5, 1) },
    });
    // Values moved for DM and the city (DM's transactions are in it); other rows changed status
    // only, by the 90% target synced since edition 1.
    const moved = changes.filter((c) => c.before?.actual !== c.after?.actual).map((c) => `${c.kpi} ${c.entity ?? "city"}`);
    expect(moved.sort()).toEqual(["SMART_ADOPTION DM", "SMART_ADOPTION city"]);
    // Edition 1 is still there as it was.
    expect(JSON.stringify(first.rows.find((r) => r.kpi === "SMART_ADOPTION" && r.entity === null))).toContain('"kpi":"SMART_ADOPTION"');
    expect(kpi(["verify"])).toMatchObject({ code: 0 });
  });
});

describe("kpi verify", () => {
  it("fails, naming the figure, when a stored figure is altered behind the app's back", () => {
    const rta = db
      .select()
      .from(s.figures)
      .where(and(eq(s.figures.entityCode, "RTA"), eq(s.figures.kpiCode, "SMART_ADOPTION"), eq(s.figures.period, MONTH)))
      .get()!;
    db.$client.prepare(`UPDATE figures SET value = value + 1 WHERE id = ?`).run(rta.id);
    const verified = kpi(["verify"]);
    expect(verified.code).toBe(1);
    expect(verified.err).toContain(`figure ${rta.id} (RTA SMART_ADOPTION 2018-12) version ${rta.version} was ${rta.value} and is now ${rta.value + 1} without a new version`);
    db.$client.prepare(`UPDATE figures SET value = ? WHERE id = ?`).run(rta.value, rta.id);
    expect(kpi(["verify"]).code).toBe(0);
  });

  it("fails, naming the rows, when an edition is altered behind the app's back (its guard dropped first)", () => {
    const row = db.select().from(s.editions).where(and(eq(s.editions.period, MONTH), eq(s.editions.number, 2))).get()!;
    const report = JSON.parse(row.report) as { rows: Array<{ kpi: string; entity: string | null; status: string }> };
    report.rows.find((r) => r.kpi === "SMART_ADOPTION" && r.entity === "CDA")!.status = "on-track";
    db.$client.exec("DROP TRIGGER editions_no_update");
    db.$client.prepare(`UPDATE editions SET report = ? WHERE id = ?`).run(JSON.stringify(report), row.id);
    const verified = kpi(["verify"]);
    expect(verified.code).toBe(1);
    expect(verified.err).toMatch(/2018-12 edition 2: SMART_ADOPTION CDA: stored .* \(on-track\), recomputed .* \(off-track\)/);
  });
});
