import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDefinitions } from "../../app/definitions/load.server";
import { importFiguresCsv } from "../../app/models/figures.server";
import { periodBounds } from "../../app/models/scorecards.server";
import { syncDefinitions } from "../../app/models/sync.server";
import { createTestDatabase } from "../helpers/db";

const test = createTestDatabase();
afterAll(() => test.close());

describe("the month a page opens on", () => {
  it("is the latest month with most of its figures approved, not one early approval", () => {
    const definitions = loadDefinitions(path.resolve("kpi-definitions"));
    if (!definitions.ok) throw new Error("definitions");
    syncDefinitions(test.db, definitions.definitions, "2026-01-01T00:00:00.000Z");
    const rows = ["RTA", "DEWA", "DP", "DM"].flatMap((e) => [`${e},SMART_ADOPTION,2020-11,,90,100,`, `${e},SMART_ADOPTION,2020-12,,91,100,`]);
    rows.push("RTA,SMART_ADOPTION,2021-01,,92,100,");
    const imported = importFiguresCsv(test.db, ["entity,kpi,period,value,numerator,denominator,comment", ...rows].join("\n"), {
      actor: "test",
      now: new Date("2026-11-24T00:00:00Z"),
      currentPeriod: "2026-11",
    });
    expect(imported.ok).toBe(true);
    // 4 figures in November and December, 1 in January: January is not half as complete.
    expect(periodBounds(test.db, "2026-11")).toEqual({ first: "2020-11", last: "2021-01", settled: "2020-12" });
    // Nothing after the current month counts.
    expect(periodBounds(test.db, "2020-11")).toEqual({ first: "2020-11", last: "2020-11", settled: "2020-11" });
  });
});
