import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../tests/helpers/db";
import { loadDefinitions } from "../definitions/load.server";
import type { DefinitionSet } from "../definitions/schema";
import { importFiguresCsv } from "./figures.server";
import { syncDefinitions, type SyncSummary } from "./sync.server";

const DEFINITIONS_DIR = path.resolve(__dirname, "../../kpi-definitions");
const T1 = "2026-11-01T00:00:00.000Z";
const T2 = "2026-11-02T00:00:00.000Z";
const T3 = "2026-11-03T00:00:00.000Z";

const DEFINITION_TABLES = [
  "entities",
  "dimensions",
  "pillars",
  "initiatives",
  "policies",
  "kpis",
  "kpi_reporters",
  "kpi_policies",
  "kpi_initiatives",
  "kpi_pillars",
  "kpi_dimensions",
  "kpi_targets",
  "kpi_target_entities",
  "meta",
] as const;

function realDefinitions(): DefinitionSet {
  const result = loadDefinitions(DEFINITIONS_DIR);
  if (!result.ok)
    throw new Error(`kpi-definitions does not validate: ${JSON.stringify(result.errors)}`);
  return result.definitions;
}

function count(test: TestDatabase, table: string): number {
  return (test.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Every row of every definitions table, in storage order. */
function snapshot(test: TestDatabase): Record<string, unknown[]> {
  return Object.fromEntries(
    [...DEFINITION_TABLES, "figures", "figure_history"].map((table) => [
      table,
      test.db.$client.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
    ]),
  );
}

function definitionsVersionRow(test: TestDatabase) {
  return test.db.select().from(s.meta).where(eq(s.meta.key, "definitions_version")).get();
}

function noChanges(summary: SyncSummary) {
  return [summary.entities, summary.strategy, summary.kpis].map((c) => [
    c.added,
    c.updated,
    c.retired,
  ]);
}

describe("syncing the real definitions folder into a fresh database", () => {
  let test: TestDatabase;
  let first: SyncSummary;
  beforeAll(() => {
    test = createTestDatabase();
    first = syncDefinitions(test.db, realDefinitions(), T1);
  });
  afterAll(() => test.close());

  it("reports everything as added", () => {
    expect(first.entities.added).toHaveLength(21);
    expect(first.entities.added.slice(0, 3)).toEqual(["SDO", "SDG", "DDE"]);
    expect(first.strategy.added).toHaveLength(24);
    expect(first.kpis.added).toHaveLength(14);
    expect(
      [first.entities, first.strategy, first.kpis].map((c) => [c.updated, c.retired, c.unchanged]),
    ).toEqual([
      [[], [], 0],
      [[], [], 0],
      [[], [], 0],
    ]);
  });

  it("stores 21 entities, 24 strategy items and 14 KPIs", () => {
    expect(
      Object.fromEntries(
        ["entities", "dimensions", "pillars", "initiatives", "policies", "kpis"].map((t) => [
          t,
          count(test, t),
        ]),
      ),
    ).toEqual({ entities: 21, dimensions: 6, pillars: 4, initiatives: 11, policies: 3, kpis: 14 });
  });

  it("stores every target, target entity, reporter and link", () => {
    expect(
      Object.fromEntries(
        [
          "kpi_targets",
          "kpi_target_entities",
          "kpi_reporters",
          "kpi_policies",
          "kpi_initiatives",
          "kpi_pillars",
          "kpi_dimensions",
        ].map((t) => [t, count(test, t)]),
      ),
    ).toEqual({
      kpi_targets: 22,
      kpi_target_entities: 6,
      kpi_reporters: 5,
      kpi_policies: 22,
      kpi_initiatives: 15,
      kpi_pillars: 14,
      kpi_dimensions: 15,
    });
  });

  it("stores an entity's parent and the sample flag", () => {
    const rows = test.db.select().from(s.entities).all();
    expect(rows.find((e) => e.code === "DEG")).toMatchObject({
      parentCode: "SDG",
      sample: false,
      retiredAt: null,
      syncedAt: T1,
    });
    expect(rows.find((e) => e.code === "DHA")).toMatchObject({ parentCode: null, sample: true });
    expect(rows.filter((e) => e.sample)).toHaveLength(11);
  });

  it("stores SMART_ADOPTION with its weight, reporters and file", () => {
    const kpi = test.db.select().from(s.kpis).where(eq(s.kpis.code, "SMART_ADOPTION")).get();
    expect(kpi).toMatchObject({
      unit: "percent",
      direction: "increase",
      measure: "ratio",
      aggregation: "ratio-of-sums",
      weight: 3,
      reportersAll: true,
      atRiskBand: 0.9,
      sourceFile: "kpis/smart-adoption.yaml",
      retiredAt: null,
    });
    expect(
      test.db.select().from(s.kpis).where(eq(s.kpis.code, "SERVICE_REQUEST_DAYS")).get()
        ?.atRiskBand,
    ).toBe(0.8);
  });

  it("stores SMART_ADOPTION's targets in file order, with scope and trajectory", () => {
    const targets = test.db
      .select()
      .from(s.kpiTargets)
      .where(eq(s.kpiTargets.kpiCode, "SMART_ADOPTION"))
      .orderBy(s.kpiTargets.position)
      .all();
    expect(
      targets.map((t) => [t.position, t.value, t.due, t.scope, t.fromPeriod, t.fromValue]),
    ).toEqual([
      [0, 80, "2018-12", "general", "2016-06", 60],
      [1, 90, "2016-06", "entities", null, null],
      [2, 95, "2019-12", "entities", "2016-07", 90],
      [3, 80, "2016-06", "city", null, null],
      [4, 85, "2018-12", "city", "2016-07", 80],
    ]);
    const named = test.db
      .select()
      .from(s.kpiTargetEntities)
      .where(eq(s.kpiTargetEntities.targetId, targets[1].id))
      .all();
    expect(named.map((n) => n.entityCode).sort()).toEqual(["DEWA", "DP", "RTA"]);
  });

  it("records the definitions version in meta", () => {
    expect(first.version).toMatch(/^[0-9a-f]{12}$/);
    expect(definitionsVersionRow(test)).toEqual({
      key: "definitions_version",
      value: first.version,
      updatedAt: T1,
    });
  });

  it("changes nothing when run a second time", () => {
    const before = snapshot(test);
    const second = syncDefinitions(test.db, realDefinitions(), T2);
    expect(noChanges(second)).toEqual([
      [[], [], []],
      [[], [], []],
      [[], [], []],
    ]);
    expect([second.entities.unchanged, second.strategy.unchanged, second.kpis.unchanged]).toEqual([
      21, 24, 14,
    ]);
    expect(second.version).toBe(first.version);
    const after = snapshot(test);
    // The meta row is rewritten with the same version; every other row is untouched.
    expect({ ...after, meta: undefined }).toEqual({ ...before, meta: undefined });
    expect(definitionsVersionRow(test)?.value).toBe(first.version);
  });

  it("leaves the definitions_version row as it was when nothing changed", () => {
    const before = definitionsVersionRow(test);
    syncDefinitions(test.db, realDefinitions(), T3);
    expect(definitionsVersionRow(test)).toEqual(before);
  });
});

describe("retiring a KPI that leaves the folder", () => {
  const RETIRED = "SMART_DUBAI_PLATFORM_ENTITIES";
  let test: TestDatabase;
  beforeAll(() => {
    test = createTestDatabase();
    syncDefinitions(test.db, realDefinitions(), T1);
    const imported = importFiguresCsv(
      test.db,
      `entity,kpi,period,value,numerator,denominator,comment\nSDO,${RETIRED},2018-12,12,,,\n`,
      { actor: "test", now: new Date(T1), currentPeriod: "2026-11" },
    );
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
  });
  afterAll(() => test.close());

  it("marks it retired and keeps its row, links and figures", () => {
    const without = realDefinitions();
    without.kpis = without.kpis.filter((k) => k.code !== RETIRED);
    const summary = syncDefinitions(test.db, without, T2);
    expect(summary.kpis).toEqual({ added: [], updated: [], retired: [RETIRED], unchanged: 13 });

    const row = test.db.select().from(s.kpis).where(eq(s.kpis.code, RETIRED)).get();
    expect(row).toMatchObject({ code: RETIRED, retiredAt: T2 });
    expect(count(test, "kpis")).toBe(14);
    expect(
      test.db.select().from(s.kpiReporters).where(eq(s.kpiReporters.kpiCode, RETIRED)).all(),
    ).toEqual([{ kpiCode: RETIRED, entityCode: "SDO" }]);
    const figures = test.db.select().from(s.figures).where(eq(s.figures.kpiCode, RETIRED)).all();
    expect(figures.map((f) => [f.entityCode, f.period, f.value])).toEqual([["SDO", "2018-12", 12]]);
    expect(count(test, "figure_history")).toBe(1);
  });

  it("retires only the KPI that left, though every file after it moves up a place", () => {
    const first = test.db.select().from(s.kpis).orderBy(s.kpis.position).get()!;
    const targetIds = () =>
      test.db
        .select({ id: s.kpiTargets.id })
        .from(s.kpiTargets)
        .all()
        .map((t) => t.id);
    const before = targetIds();
    const without = realDefinitions();
    without.kpis = without.kpis.filter((k) => k.code !== first.code && k.code !== RETIRED);
    const summary = syncDefinitions(test.db, without, T2);
    expect(summary.kpis).toEqual({ added: [], updated: [], retired: [first.code], unchanged: 12 });
    // Nothing rewritten: the remaining KPIs keep their target rows.
    const kept = targetIds();
    expect(kept.every((id) => before.includes(id))).toBe(true);
    // Put the folder back as the test before left it.
    const restored = realDefinitions();
    restored.kpis = restored.kpis.filter((k) => k.code !== RETIRED);
    expect(syncDefinitions(test.db, restored, T2).kpis.updated).toEqual([first.code]);
  });

  it("refuses new figures for the retired KPI", () => {
    const result = importFiguresCsv(
      test.db,
      `entity,kpi,period,value,numerator,denominator,comment\nSDO,${RETIRED},2019-01,13,,,\n`,
      { actor: "test", now: new Date(T2), currentPeriod: "2026-11" },
    );
    expect(result.ok ? [] : result.errors.map((e) => [e.line, e.message])).toEqual([
      [2, `unknown KPI "${RETIRED}"`],
    ]);
  });

  it("brings it back when it returns to the folder", () => {
    const summary = syncDefinitions(test.db, realDefinitions(), T3);
    expect(summary.kpis).toEqual({ added: [], updated: [RETIRED], retired: [], unchanged: 13 });
    expect(test.db.select().from(s.kpis).where(eq(s.kpis.code, RETIRED)).get()).toMatchObject({
      retiredAt: null,
      syncedAt: T3,
    });
    expect(
      test.db.select().from(s.kpiReporters).where(eq(s.kpiReporters.kpiCode, RETIRED)).all(),
    ).toEqual([{ kpiCode: RETIRED, entityCode: "SDO" }]);
    expect(
      test.db.select().from(s.figures).where(eq(s.figures.kpiCode, RETIRED)).all(),
    ).toHaveLength(1);
  });
});

describe("changing a KPI's definition", () => {
  let test: TestDatabase;
  let original: SyncSummary;
  let changed: SyncSummary;
  beforeAll(() => {
    test = createTestDatabase();
    original = syncDefinitions(test.db, realDefinitions(), T1);
    const definitions = realDefinitions();
    const kpi = definitions.kpis.find((k) => k.code === "SMART_ADOPTION")!;
    kpi.targets = [
      { value: 85, due: "2018-12" },
      { value: 97, due: "2019-12", entities: ["RTA"] },
    ];
    changed = syncDefinitions(test.db, definitions, T2);
  });
  afterAll(() => test.close());

  it("reports only that KPI as updated", () => {
    expect(changed.kpis).toEqual({
      added: [],
      updated: ["SMART_ADOPTION"],
      retired: [],
      unchanged: 13,
    });
    expect(noChanges(changed).slice(0, 2)).toEqual([
      [[], [], []],
      [[], [], []],
    ]);
    expect(
      test.db.select().from(s.kpis).where(eq(s.kpis.code, "SMART_ADOPTION")).get()?.syncedAt,
    ).toBe(T2);
  });

  it("replaces its targets as a whole", () => {
    const targets = test.db
      .select()
      .from(s.kpiTargets)
      .where(eq(s.kpiTargets.kpiCode, "SMART_ADOPTION"))
      .orderBy(s.kpiTargets.position)
      .all();
    expect(targets.map((t) => [t.position, t.value, t.due, t.scope, t.fromPeriod])).toEqual([
      [0, 85, "2018-12", "general", null],
      [1, 97, "2019-12", "entities", null],
    ]);
    expect(
      test.db
        .select()
        .from(s.kpiTargetEntities)
        .where(eq(s.kpiTargetEntities.targetId, targets[1].id))
        .all(),
    ).toEqual([{ targetId: targets[1].id, entityCode: "RTA" }]);
    // 22 − 5 old + 2 new; the six RTA/DEWA/DP rows of the old targets are gone.
    expect(count(test, "kpi_targets")).toBe(19);
    expect(count(test, "kpi_target_entities")).toBe(1);
  });

  it("keeps its links", () => {
    expect(
      test.db
        .select()
        .from(s.kpiPolicies)
        .where(eq(s.kpiPolicies.kpiCode, "SMART_ADOPTION"))
        .all()
        .map((r) => r.policyCode)
        .sort(),
    ).toEqual(["law-29-2015-kpis", "smart-gov-80-2018"]);
  });

  it("changes the definitions version in meta", () => {
    expect(changed.version).not.toBe(original.version);
    expect(definitionsVersionRow(test)).toEqual({
      key: "definitions_version",
      value: changed.version,
      updatedAt: T2,
    });
  });

  it("goes back to the first version when the change is undone", () => {
    const back = syncDefinitions(test.db, realDefinitions(), T3);
    expect(back.kpis.updated).toEqual(["SMART_ADOPTION"]);
    expect(back.version).toBe(original.version);
    expect(definitionsVersionRow(test)?.value).toBe(original.version);
    expect(count(test, "kpi_targets")).toBe(22);
  });
});

describe("changing entities", () => {
  let test: TestDatabase;
  beforeAll(() => {
    test = createTestDatabase();
  });
  afterAll(() => test.close());

  it("loads an entity whose parent is listed after it", () => {
    const definitions = realDefinitions();
    // DEG (parent SDG) and SDG (parent SDO) before SDO.
    const order = ["DEG", "SDG", "SDO"];
    definitions.entities.sort((a, b) => {
      const ia = order.indexOf(a.code);
      const ib = order.indexOf(b.code);
      return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    });
    expect(definitions.entities.slice(0, 3).map((e) => e.code)).toEqual(["DEG", "SDG", "SDO"]);
    const summary = syncDefinitions(test.db, definitions, T1);
    expect(summary.entities.added).toHaveLength(21);
    expect(
      test.db.select().from(s.entities).where(eq(s.entities.code, "DEG")).get()?.parentCode,
    ).toBe("SDG");
  });

  it("updates a renamed entity in place", () => {
    const definitions = realDefinitions();
    syncDefinitions(test.db, definitions, T1);
    definitions.entities.find((e) => e.code === "DM")!.name.en = "Dubai Municipality (renamed)";
    const summary = syncDefinitions(test.db, definitions, T2);
    expect(summary.entities.updated).toEqual(["DM"]);
    expect(test.db.select().from(s.entities).where(eq(s.entities.code, "DM")).get()).toMatchObject({
      nameEn: "Dubai Municipality (renamed)",
      syncedAt: T2,
    });
  });
});

describe("a definitions folder that fails validation", () => {
  let test: TestDatabase;
  let dir: string;
  beforeAll(() => {
    test = createTestDatabase();
    syncDefinitions(test.db, realDefinitions(), T1);
    dir = mkdtempSync(path.join(tmpdir(), "kpi-definitions-"));
    cpSync(DEFINITIONS_DIR, dir, { recursive: true });
    const file = path.join(dir, "kpis", "smart-adoption.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("unit: percent", "unit: percentage"));
  });
  afterAll(() => {
    test.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is refused by loadDefinitions, naming the file and the field", () => {
    const result = loadDefinitions(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        file: "kpis/smart-adoption.yaml",
        field: "unit",
        message: "expected one of percent, count, number, currency, days, yes-no",
      },
    ]);
  });

  it("never reaches the database", () => {
    const before = snapshot(test);
    const result = loadDefinitions(dir);
    if (result.ok) syncDefinitions(test.db, result.definitions, T2);
    expect(snapshot(test)).toEqual(before);
    expect(test.db.select().from(s.kpis).where(eq(s.kpis.code, "SMART_ADOPTION")).get()?.unit).toBe(
      "percent",
    );
  });

  it("is refused when the folder does not exist", () => {
    const missing = path.join(dir, "no-such-folder");
    expect(loadDefinitions(missing)).toEqual({
      ok: false,
      errors: [{ file: missing, field: "", message: "expected a definitions folder at this path" }],
    });
  });
});
