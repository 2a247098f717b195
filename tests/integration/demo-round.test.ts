// The demo reaches the month just ended, and its last two months are mid-round, the same way for
// the same date.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { loadDemoData } from "../../seeds/demo";
import { submissionStates } from "~/models/entry.server";

const dir = mkdtempSync(path.join(tmpdir(), "demo-round-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function demoOn(iso: string, name: string) {
  const db = openDatabase(path.join(dir, `${name}.db`));
  loadDemoData(db, path.resolve("kpi-definitions"), new Date(iso));
  return db;
}

type Row = { entity: string; kpi: string; period: string; status: string; submitted_at: string | null; review_comment: string | null };
const rows = (db: ReturnType<typeof openDatabase>, where = "1 = 1") =>
  db.$client
    .prepare(`SELECT entity_code AS entity, kpi_code AS kpi, period, status, submitted_at, review_comment FROM figures WHERE ${where} ORDER BY period, entity_code, kpi_code`)
    .all() as Row[];
const count = (list: Row[], test: (r: Row) => boolean) => list.filter(test).length;

describe("the demo on 30 November 2026", () => {
  const db = demoOn("2026-11-30T10:00:00Z", "nov30");
  const september = rows(db, "period = '2026-09'");
  const october = rows(db, "period = '2026-10'");

  it("keeps 2014–2020 as the facts describe, all approved, and continues to October 2026", () => {
    const history = rows(db, "period <= '2020-12'");
    expect(history.length).toBe(16_296);
    expect(history.every((r) => r.status === "approved")).toBe(true);
    expect(rows(db, "period > '2026-10'")).toEqual([]);
    expect(count(rows(db, "period = '2026-08'"), (r) => r.status !== "approved")).toBe(0);
  });

  it("September: everyone submitted (IACAD late), DM waits for review, one DHA figure was returned", () => {
    expect(new Set(september.map((r) => r.entity)).size).toBe(21);
    expect(september.filter((r) => r.status === "returned").map((r) => [r.entity, r.kpi])).toEqual([["DHA", "SMART_ADOPTION"]]);
    expect(september.find((r) => r.status === "returned")!.review_comment).toMatch(/denominator/);
    expect(new Set(september.filter((r) => r.status === "submitted").map((r) => r.entity))).toEqual(new Set(["DM"]));
    const iacad = september.filter((r) => r.entity === "IACAD");
    expect(iacad.every((r) => r.submitted_at === "2026-10-15T06:00:00.000Z")).toBe(true);
  });

  it("October: RTA approved, DED drafts, CDA nothing, IACAD late, the rest waiting for review", () => {
    expect(october.filter((r) => r.status === "approved").every((r) => r.entity === "RTA")).toBe(true);
    expect(count(october, (r) => r.entity === "RTA" && r.status === "approved")).toBeGreaterThan(0);
    expect(october.filter((r) => r.entity === "DED").every((r) => r.status === "draft")).toBe(true);
    expect(count(october, (r) => r.entity === "CDA")).toBe(0);
    const states = new Map(submissionStates(db, "2026-10", 10, new Date("2026-11-30T10:00:00Z")).map((s) => [s.code, s.timeliness]));
    expect(states.get("IACAD")).toBe("late");
    expect(states.get("CDA")).toBe("missing");
    expect(states.get("DED")).toBe("missing");
    expect(states.get("RTA")).toBe("on-time");
    expect(states.get("DEWA")).toBe("on-time");
  });

  it("is the same database for the same date", () => {
    const again = demoOn("2026-11-30T10:00:00Z", "nov30-again");
    expect(rows(again, "period >= '2026-01'")).toEqual(rows(db, "period >= '2026-01'"));
  });
});

describe("the demo on 2 November 2026, before anyone has sent October", () => {
  it("has September reviewed and nothing yet for October", () => {
    const db = demoOn("2026-11-02T10:00:00Z", "nov02");
    expect(rows(db, "period = '2026-10'")).toEqual([]);
    const september = rows(db, "period = '2026-09'");
    expect(new Set(september.filter((r) => r.status !== "approved").map((r) => `${r.entity} ${r.status}`))).toEqual(
      new Set(["DM submitted", "DHA returned"]),
    );
  });
});
