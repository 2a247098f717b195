// Unit tests for the compliance engine, written from the compliance contract (§3 report, §4 how
// every row is computed), not from the implementation. Every expected number is worked out by
// hand in the comment above its assertion.
import { describe, expect, it } from "vitest";
import { periodRange } from "../figures/month";
import { computeReport, computeSeries } from "./engine";
import type {
  Compliance,
  ComplianceReport,
  EngineFigure,
  EngineInput,
  EngineKpi,
  ReportRow,
  Target,
} from "./types";

// ---------------------------------------------------------------------------------------------
// Builders

const P = "2018-12";

const NO_LINKS = { policies: [], initiatives: [], pillars: [], dimensions: [] };

/** A percent ratio KPI, increase, ratio-of-sums, reported by A and B, 80 due 2018-12. */
function kpi(overrides: Partial<EngineKpi> = {}): EngineKpi {
  return {
    code: "K",
    unit: "percent",
    direction: "increase",
    measure: "ratio",
    aggregation: "ratio-of-sums",
    weight: 1,
    atRiskBand: 0.9,
    reporters: ["A", "B"],
    targets: [target(80, "2018-12")],
    links: { ...NO_LINKS },
    ...overrides,
  };
}

/** A single-value KPI (unit number, mean across entities) with the same defaults otherwise. */
function valueKpi(overrides: Partial<EngineKpi> = {}): EngineKpi {
  return kpi({ unit: "number", measure: "value", aggregation: "mean", ...overrides });
}

function target(value: number, due: string, overrides: Partial<Target> = {}): Target {
  return { value, due, entities: null, scope: null, from: null, ...overrides };
}

function fig(
  entity: string,
  kpiCode: string,
  period: string,
  value: number,
  numerator: number | null = null,
  denominator: number | null = null,
): EngineFigure {
  return { entity, kpi: kpiCode, period, value, numerator, denominator };
}

/** A percent ratio figure: the caller supplies value = 100·n/d with n and d. */
function pct(entity: string, kpiCode: string, period: string, n: number, d: number): EngineFigure {
  return fig(entity, kpiCode, period, (100 * n) / d, n, d);
}

/** Value figures for consecutive months starting at `from`. */
function monthly(entity: string, kpiCode: string, from: string, values: number[]): EngineFigure[] {
  const months = periodRange(from, "9999-12").slice(0, values.length);
  return values.map((v, i) => fig(entity, kpiCode, months[i], v));
}

/** Percent ratio figures (denominator 100) for consecutive months starting at `from`. */
function monthlyPct(entity: string, kpiCode: string, from: string, values: number[]): EngineFigure[] {
  const months = periodRange(from, "9999-12").slice(0, values.length);
  return values.map((v, i) => pct(entity, kpiCode, months[i], v, 100));
}

function run(
  kpis: EngineKpi[],
  figures: EngineFigure[],
  options: { period?: string; entities?: string[] } = {},
): ComplianceReport {
  const input: EngineInput = {
    period: options.period ?? P,
    entities: options.entities ?? ["A", "B"],
    kpis,
    figures,
  };
  return computeReport(input);
}

function rowOf(report: ComplianceReport, kpiCode: string, entity: string | null): ReportRow {
  const found = report.rows.filter((r) => r.kpi === kpiCode && r.entity === entity);
  expect(found, `rows for (${kpiCode}, ${entity})`).toHaveLength(1);
  return found[0];
}

function entryOf(list: Compliance[], code: string): Compliance {
  const found = list.find((c) => c.code === code);
  expect(found, `compliance entry ${code}`).toBeDefined();
  return found!;
}

// ---------------------------------------------------------------------------------------------

describe("city row: ratio of sums (§4.6)", () => {
  it("uses Σn ÷ Σd, which meets the target where the mean of percentages would be off track", () => {
    const report = run(
      [kpi()],
      [pct("A", "K", P, 9000, 10000), pct("B", "K", P, 10, 100)],
    );
    const city = rowOf(report, "K", null);
    // Σn/Σd = 100 × (9000 + 10) / (10000 + 100) = 100 × 9010 / 10100 = 89.20792079207921
    expect(city.actual).toBeCloseTo((100 * 9010) / 10100, 10);
    expect(city.target).toBe(80);
    expect(city.targetKind).toBe("final");
    // achievement = 89.2079… / 80 = 1.11509900990099 ≥ 1 → met
    // (the mean of percentages, (90 + 10) / 2 = 50, would give 0.625 → off-track)
    expect(city.achievement).toBeCloseTo((100 * 9010) / 10100 / 80, 10);
    expect(city.status).toBe("met");
  });

  it("uses Σn ÷ Σd, which is off track where the mean of percentages would meet the target", () => {
    const report = run(
      [kpi({ reporters: ["A", "B", "C"] })],
      [pct("A", "K", P, 99, 100), pct("B", "K", P, 5000, 10000), pct("C", "K", P, 10, 10)],
      { entities: ["A", "B", "C"] },
    );
    const city = rowOf(report, "K", null);
    // Σn/Σd = 100 × (99 + 5000 + 10) / (100 + 10000 + 10) = 100 × 5109 / 10110 = 50.53412462908012
    expect(city.actual).toBeCloseTo((100 * 5109) / 10110, 10);
    // achievement = 50.534… / 80 = 0.6316765578635015 < 0.9 → off-track
    // (the mean of percentages, (99 + 50 + 100) / 3 = 83, would be met)
    expect(city.achievement).toBeCloseTo((100 * 5109) / 10110 / 80, 10);
    expect(city.status).toBe("off-track");
  });

  it("does not scale a non-percent ratio by 100", () => {
    // cost per transaction: currency ratio, decrease, target 6
    const k = kpi({ unit: "currency", direction: "decrease", targets: [target(6, "2018-12")] });
    const report = run(
      [k],
      [fig("A", "K", P, 1000 / 100, 1000, 100), fig("B", "K", P, 600 / 200, 600, 200)],
    );
    const city = rowOf(report, "K", null);
    // Σn/Σd = (1000 + 600) / (100 + 200) = 1600 / 300 = 5.333…
    expect(city.actual).toBeCloseTo(1600 / 300, 10);
    // decrease: achievement = 6 / 5.333… = 1.125 → met
    // (the mean of the values, (10 + 3) / 2 = 6.5, would give 6/6.5 = 0.923 → at-risk)
    expect(city.achievement).toBeCloseTo(1.125, 10);
    expect(city.status).toBe("met");
  });
});

describe("targets that cover a row (§4.2, §4.6)", () => {
  it("an entity-specific target replaces the general one for that entity only", () => {
    const k = kpi({
      targets: [target(80, "2018-12"), target(95, "2019-12", { entities: ["A"] })],
    });
    const report = run([k], [pct("A", "K", P, 90, 100), pct("B", "K", P, 90, 100)]);

    const a = rowOf(report, "K", "A");
    // A is named by the 95-by-2019-12 target, so the general 80 does not cover A at all:
    // at 2018-12 that target is still ahead → pending 95; achievement = 90/95 = 0.947 → at-risk
    expect(a.target).toBe(95);
    expect(a.targetKind).toBe("pending");
    expect(a.achievement).toBeCloseTo(90 / 95, 10);
    expect(a.status).toBe("at-risk");

    const b = rowOf(report, "K", "B");
    // B: the general 80 due 2018-12 → final; 90/80 = 1.125 → met
    expect(b.target).toBe(80);
    expect(b.targetKind).toBe("final");
    expect(b.achievement).toBeCloseTo(1.125, 10);
    expect(b.status).toBe("met");

    const city = rowOf(report, "K", null);
    // city: no scope-city target → general 80 final; actual 180/200 = 90 → 1.125 met
    expect(city.target).toBe(80);
    expect(city.targetKind).toBe("final");
    expect(city.status).toBe("met");
  });

  it("a scope: city target applies to the city row only; entities keep the general one", () => {
    const k = kpi({
      targets: [target(80, "2018-12"), target(60, "2018-12", { scope: "city" })],
    });
    const report = run([k], [pct("A", "K", P, 70, 100), pct("B", "K", P, 70, 100)]);

    for (const e of ["A", "B"]) {
      const r = rowOf(report, "K", e);
      // entity: general 80; 70/80 = 0.875 < 0.9 → off-track
      expect(r.target).toBe(80);
      expect(r.achievement).toBeCloseTo(0.875, 10);
      expect(r.status).toBe("off-track");
    }
    const city = rowOf(report, "K", null);
    // city: 60 (scope city); actual 140/200 = 70; 70/60 = 1.1666… → met
    expect(city.actual).toBeCloseTo(70, 10);
    expect(city.target).toBe(60);
    expect(city.targetKind).toBe("final");
    expect(city.achievement).toBeCloseTo(70 / 60, 10);
    expect(city.status).toBe("met");
  });

  it("without a city target the city row uses the general ones (not the entity-specific ones)", () => {
    const k = kpi({
      targets: [target(80, "2018-12"), target(50, "2018-12", { entities: ["A"] })],
    });
    const report = run([k], [pct("A", "K", P, 70, 100), pct("B", "K", P, 70, 100)]);
    // A: its own 50 → 70/50 = 1.4 met
    expect(rowOf(report, "K", "A").target).toBe(50);
    expect(rowOf(report, "K", "A").status).toBe("met");
    // B: general 80 → 0.875 off-track
    expect(rowOf(report, "K", "B").target).toBe(80);
    expect(rowOf(report, "K", "B").status).toBe("off-track");
    const city = rowOf(report, "K", null);
    // city: general 80; actual 70 → 0.875 < 0.9 → off-track
    expect(city.target).toBe(80);
    expect(city.targetKind).toBe("final");
    expect(city.achievement).toBeCloseTo(0.875, 10);
    expect(city.status).toBe("off-track");
  });

  it("the final target is the covering one with the latest due ≤ P; pending the earliest ahead", () => {
    const k = valueKpi({
      reporters: ["A"],
      targets: [target(90, "2020-12"), target(70, "2017-12"), target(80, "2018-12")],
    });
    const at = (period: string) =>
      rowOf(run([k], [fig("A", "K", period, 75)], { period, entities: ["A"] }), "K", "A");

    // 2019-06: dues ≤ P are 2017-12 and 2018-12; latest is 2018-12 → final 80
    expect(at("2019-06").target).toBe(80);
    expect(at("2019-06").targetKind).toBe("final");
    // 2018-01: only 2017-12 is due → final 70
    expect(at("2018-01").target).toBe(70);
    expect(at("2018-01").targetKind).toBe("final");
    // 2017-06: none due yet → the earliest ahead, 70 due 2017-12, pending
    expect(at("2017-06").target).toBe(70);
    expect(at("2017-06").targetKind).toBe("pending");
    // 2021-01: all due → latest, 90 final
    expect(at("2021-01").target).toBe(90);
    expect(at("2021-01").targetKind).toBe("final");
  });

  it("an interim target follows the linear trajectory at both ends", () => {
    // 60 at 2016-06 → 80 at 2018-12: months(2016-06→2018-12) = 30
    const k = kpi({
      reporters: ["A"],
      targets: [target(80, "2018-12", { from: { period: "2016-06", value: 60 } })],
    });
    const at = (period: string) =>
      rowOf(run([k], [pct("A", "K", period, 70, 100)], { period, entities: ["A"] }), "K", "A");

    // 2016-05: before from.period, not yet due → pending 80; 70/80 = 0.875 → off-track
    expect(at("2016-05").targetKind).toBe("pending");
    expect(at("2016-05").target).toBe(80);
    expect(at("2016-05").status).toBe("off-track");

    // 2016-06 = from.period: 60 + 20 × 0/30 = 60, interim; 70/60 = 1.1667 → on-track
    expect(at("2016-06").targetKind).toBe("interim");
    expect(at("2016-06").target).toBeCloseTo(60, 10);
    expect(at("2016-06").status).toBe("on-track");

    // 2017-09: 15 months in → 60 + 20 × 15/30 = 70; 70/70 = 1 → on-track
    expect(at("2017-09").targetKind).toBe("interim");
    expect(at("2017-09").target).toBeCloseTo(70, 10);
    expect(at("2017-09").status).toBe("on-track");

    // 2018-11, the month before due: 60 + 20 × 29/30 = 79.333…; 70/79.333 = 0.8824 → off-track
    expect(at("2018-11").targetKind).toBe("interim");
    expect(at("2018-11").target).toBeCloseTo(60 + (20 * 29) / 30, 10);
    expect(at("2018-11").achievement).toBeCloseTo(70 / (60 + (20 * 29) / 30), 10);
    expect(at("2018-11").status).toBe("off-track");

    // 2018-12 = due: no longer on the trajectory (P < due fails) → final 80
    expect(at("2018-12").targetKind).toBe("final");
    expect(at("2018-12").target).toBe(80);

    // 2019-03: after due → still final 80
    expect(at("2019-03").targetKind).toBe("final");
    expect(at("2019-03").target).toBe(80);
  });

  it("an interim target takes precedence over a final one, and the earliest-due trajectory wins", () => {
    const k1 = valueKpi({
      code: "K1",
      reporters: ["A"],
      targets: [target(80, "2018-12"), target(90, "2020-12", { from: { period: "2018-12", value: 80 } })],
    });
    const k2 = valueKpi({
      code: "K2",
      reporters: ["A"],
      targets: [
        target(100, "2022-12", { from: { period: "2018-01", value: 60 } }),
        target(90, "2020-12", { from: { period: "2018-01", value: 60 } }),
      ],
    });
    const report = run([k1, k2], [fig("A", "K1", "2019-06", 85), fig("A", "K2", "2019-06", 70)], {
      period: "2019-06",
      entities: ["A"],
    });
    const r1 = rowOf(report, "K1", "A");
    // K1: 80 + (90 − 80) × months(2018-12→2019-06)/months(2018-12→2020-12) = 80 + 10 × 6/24 = 82.5
    expect(r1.targetKind).toBe("interim");
    expect(r1.target).toBeCloseTo(82.5, 10);
    // 85 / 82.5 = 1.0303 → on-track
    expect(r1.status).toBe("on-track");

    const r2 = rowOf(report, "K2", "A");
    // K2: earliest due (2020-12): 60 + 30 × months(2018-01→2019-06)/months(2018-01→2020-12)
    //   = 60 + 30 × 17/35 = 74.571428…
    expect(r2.targetKind).toBe("interim");
    expect(r2.target).toBeCloseTo(60 + (30 * 17) / 35, 10);
    // 70 / 74.5714 = 0.9387 → at-risk
    expect(r2.status).toBe("at-risk");
  });
});

describe("status (§4.4–4.5)", () => {
  it("achievement ≥ 1 is on-track under an interim target and met under final or pending", () => {
    const kInt = valueKpi({
      code: "INT",
      reporters: ["A"],
      targets: [target(100, "2019-12", { from: { period: "2018-12", value: 50 } })],
    });
    const kFin = valueKpi({ code: "FIN", reporters: ["A"], targets: [target(50, "2018-12")] });
    const kPen = valueKpi({ code: "PEN", reporters: ["A"], targets: [target(50, "2019-12")] });
    const report = run(
      [kInt, kFin, kPen],
      [fig("A", "INT", P, 60), fig("A", "FIN", P, 60), fig("A", "PEN", P, 60)],
      { entities: ["A"] },
    );
    // INT at from.period: 50 + 50 × 0/12 = 50, interim; 60/50 = 1.2 → on-track
    expect(rowOf(report, "INT", "A").targetKind).toBe("interim");
    expect(rowOf(report, "INT", "A").achievement).toBeCloseTo(1.2, 10);
    expect(rowOf(report, "INT", "A").status).toBe("on-track");
    // FIN: 50 due 2018-12 = P → final; 60/50 = 1.2 → met
    expect(rowOf(report, "FIN", "A").targetKind).toBe("final");
    expect(rowOf(report, "FIN", "A").status).toBe("met");
    // PEN: 50 due 2019-12 > P, no trajectory → pending; 60/50 = 1.2 → met
    expect(rowOf(report, "PEN", "A").targetKind).toBe("pending");
    expect(rowOf(report, "PEN", "A").status).toBe("met");
  });

  it("a pending target (not yet due, no trajectory) is assessed with its full value", () => {
    const k = kpi({ targets: [target(80, "2019-12")] });
    const report = run([k], [pct("A", "K", P, 85, 100), pct("B", "K", P, 75, 100)]);
    const a = rowOf(report, "K", "A");
    // A: pending 80; 85/80 = 1.0625 → met
    expect(a.targetKind).toBe("pending");
    expect(a.target).toBe(80);
    expect(a.achievement).toBeCloseTo(1.0625, 10);
    expect(a.status).toBe("met");
    expect(a.assessed).toBe(true);
    const b = rowOf(report, "K", "B");
    // B: 75/80 = 0.9375 ≥ 0.9 → at-risk
    expect(b.targetKind).toBe("pending");
    expect(b.achievement).toBeCloseTo(0.9375, 10);
    expect(b.status).toBe("at-risk");
    expect(b.assessed).toBe(true);
    // city: 160/200 = 80 → 80/80 = 1 → met (pending)
    expect(rowOf(report, "K", null).status).toBe("met");
    expect(rowOf(report, "K", null).targetKind).toBe("pending");
  });

  it("no covering target at all → no-target, not assessed", () => {
    const k = kpi({ targets: [] });
    const report = run([k], [pct("A", "K", P, 70, 100), pct("B", "K", P, 70, 100)]);
    for (const e of ["A", "B", null]) {
      const r = rowOf(report, "K", e);
      expect(r.status).toBe("no-target");
      expect(r.assessed).toBe(false);
      expect(r.target).toBe(null);
      expect(r.targetKind).toBe(null);
      expect(r.achievement).toBe(null);
      // the actual still exists: 70 for A and B, 140/200 = 70 for the city
      expect(r.actual).toBeCloseTo(70, 10);
    }
    // nothing assessed → compliance and score null
    const a = entryOf(report.entities, "A");
    expect(a.assessed).toBe(0);
    expect(a.compliant).toBe(0);
    expect(a.compliance).toBe(null);
    expect(a.score).toBe(null);
  });

  it("a target naming only A leaves B and the city with no-target", () => {
    const k = kpi({ targets: [target(80, "2018-12", { entities: ["A"] })] });
    const report = run([k], [pct("A", "K", P, 70, 100), pct("B", "K", P, 70, 100)]);
    // A: 70/80 = 0.875 → off-track
    expect(rowOf(report, "K", "A").status).toBe("off-track");
    // B: no target names B and there are no general ones → no-target
    expect(rowOf(report, "K", "B").status).toBe("no-target");
    expect(rowOf(report, "K", "B").assessed).toBe(false);
    // city: no scope-city and no general target → no-target
    expect(rowOf(report, "K", null).status).toBe("no-target");
    expect(rowOf(report, "K", null).assessed).toBe(false);
  });

  it("no figure with a target in force → no-data, assessed, not compliant, 0 in the score", () => {
    const k = kpi({ reporters: ["A"], links: { ...NO_LINKS, policies: ["p1"] } });
    const report = run([k], [], { entities: ["A"] });
    const a = rowOf(report, "K", "A");
    expect(a.status).toBe("no-data");
    expect(a.assessed).toBe(true);
    expect(a.actual).toBe(null);
    expect(a.achievement).toBe(null);
    expect(a.target).toBe(80);
    expect(a.targetKind).toBe("final");
    const city = rowOf(report, "K", null);
    expect(city.status).toBe("no-data");
    expect(city.assessed).toBe(true);
    expect(city.actual).toBe(null);

    const e = entryOf(report.entities, "A");
    // one assessed row, none compliant → 0/1 = 0; score: (1 × 0)/1 = 0
    expect(e.assessed).toBe(1);
    expect(e.compliant).toBe(0);
    expect(e.compliance).toBe(0);
    expect(e.score).toBe(0);
    const p = entryOf(report.policies, "p1");
    expect(p.assessed).toBe(1);
    expect(p.compliant).toBe(0);
    expect(p.compliance).toBe(0);
  });

  it("a no-data row weighs 0 in the score next to a met one", () => {
    const k1 = valueKpi({ code: "K1", reporters: ["A"], targets: [target(10, "2018-12")] });
    const k2 = valueKpi({ code: "K2", reporters: ["A"], targets: [target(10, "2018-12")] });
    const report = run([k1, k2], [fig("A", "K1", P, 10)], { entities: ["A"] });
    const e = entryOf(report.entities, "A");
    // K1: 10/10 = 1 met; K2: no-data → 0; score (1 + 0)/2 = 0.5; compliance 1/2
    expect(e.score).toBeCloseTo(0.5, 10);
    expect(e.compliant).toBe(1);
    expect(e.assessed).toBe(2);
    expect(e.compliance).toBeCloseTo(0.5, 10);
  });

  it("a decrease KPI's achievement is target ÷ actual", () => {
    const k = valueKpi({ unit: "days", direction: "decrease", targets: [target(5, "2018-12")] });
    const figures = [fig("A", "K", P, 4), fig("B", "K", P, 6)];
    const report = run([k], figures);
    // A: 5/4 = 1.25 → met
    expect(rowOf(report, "K", "A").achievement).toBeCloseTo(1.25, 10);
    expect(rowOf(report, "K", "A").status).toBe("met");
    // B: 5/6 = 0.8333 < 0.9 → off-track
    expect(rowOf(report, "K", "B").achievement).toBeCloseTo(5 / 6, 10);
    expect(rowOf(report, "K", "B").status).toBe("off-track");
    // city: mean (4 + 6)/2 = 5 → 5/5 = 1 → met
    expect(rowOf(report, "K", null).actual).toBeCloseTo(5, 10);
    expect(rowOf(report, "K", null).status).toBe("met");

    // with bands.at-risk 0.8: 0.8333 ≥ 0.8 → at-risk
    const banded = run([{ ...k, atRiskBand: 0.8 }], figures);
    expect(rowOf(banded, "K", "B").status).toBe("at-risk");
  });

  it("increase KPI with a target of 0: met, achievement null, 1.2 in the score", () => {
    const k0 = valueKpi({ code: "K0", targets: [target(0, "2018-12")] });
    const k1 = valueKpi({ code: "K1", targets: [target(10, "2018-12")] });
    const report = run(
      [k0, k1],
      [fig("A", "K0", P, 5), fig("B", "K0", P, 0), fig("A", "K1", P, 5), fig("B", "K1", P, 10)],
    );
    for (const e of ["A", "B", null]) {
      const r = rowOf(report, "K0", e);
      // actual ÷ 0 → division by zero → met with achievement null
      expect(r.status).toBe("met");
      expect(r.achievement).toBe(null);
      expect(r.target).toBe(0);
      expect(r.assessed).toBe(true);
      expect(r.explanation.divisionByZero).toBe(true);
    }
    const a = entryOf(report.entities, "A");
    // A: K0 counts 1.2, K1 5/10 = 0.5 → (1.2 + 0.5)/2 = 0.85; compliant 1 of 2
    expect(a.score).toBeCloseTo(0.85, 10);
    expect(a.compliant).toBe(1);
    expect(a.assessed).toBe(2);
    const b = entryOf(report.entities, "B");
    // B: K0 1.2, K1 10/10 = 1 → (1.2 + 1)/2 = 1.1; compliant 2 of 2
    expect(b.score).toBeCloseTo(1.1, 10);
    expect(b.compliance).toBe(1);
  });

  it("decrease KPI with an actual of 0: met, achievement null, 1.2 in the score", () => {
    const k = valueKpi({
      unit: "days",
      direction: "decrease",
      reporters: ["A"],
      targets: [target(5, "2018-12")],
    });
    const report = run([k], [fig("A", "K", P, 0)], { entities: ["A"] });
    const r = rowOf(report, "K", "A");
    // 5 ÷ 0 → division by zero → met, achievement null
    expect(r.status).toBe("met");
    expect(r.achievement).toBe(null);
    expect(r.actual).toBe(0);
    expect(r.explanation.divisionByZero).toBe(true);
    // city: mean of [0] = 0 → same
    expect(rowOf(report, "K", null).status).toBe("met");
    expect(rowOf(report, "K", null).achievement).toBe(null);
    // score: the only assessed row counts 1.2 → 1.2/1 = 1.2
    expect(entryOf(report.entities, "A").score).toBeCloseTo(1.2, 10);
  });

  it("achievement exactly at the at-risk band is at-risk; just below is off-track", () => {
    const k = valueKpi({ targets: [target(80, "2018-12")] });
    const report = run([k], [fig("A", "K", P, 72), fig("B", "K", P, 71.9)]);
    // A: 72/80 = 0.9 ≥ 0.9 → at-risk
    expect(rowOf(report, "K", "A").achievement).toBeCloseTo(0.9, 10);
    expect(rowOf(report, "K", "A").status).toBe("at-risk");
    // B: 71.9/80 = 0.89875 < 0.9 → off-track
    expect(rowOf(report, "K", "B").status).toBe("off-track");

    // band 0.8: 64/80 = 0.8 ≥ 0.8 → at-risk
    const banded = run([{ ...k, atRiskBand: 0.8 }], [fig("A", "K", P, 64), fig("B", "K", P, 63)]);
    expect(rowOf(banded, "K", "A").status).toBe("at-risk");
    // 63/80 = 0.7875 < 0.8 → off-track
    expect(rowOf(banded, "K", "B").status).toBe("off-track");
  });

  it("exactly on target is met / on-track, never at-risk through rounding", () => {
    // 8/10 → 100 × 8/10 = 80 against a final 80 → achievement 1 → met
    const k = kpi({ reporters: ["A"] });
    const r1 = run([k], [pct("A", "K", P, 8, 10)], { entities: ["A"] });
    expect(rowOf(r1, "K", "A").actual).toBeCloseTo(80, 10);
    expect(rowOf(r1, "K", "A").achievement).toBeCloseTo(1, 10);
    expect(rowOf(r1, "K", "A").status).toBe("met");
    expect(rowOf(r1, "K", null).status).toBe("met");

    // 57/100 → 57 against a final 57: entity and city are exactly on target → met
    // (0.57 × 100 is 56.99999999999999 in floating point; the contract's arithmetic is exact)
    const k57 = kpi({ reporters: ["A"], targets: [target(57, "2018-12")] });
    const r2 = run([k57], [pct("A", "K", P, 57, 100)], { entities: ["A"] });
    expect(rowOf(r2, "K", "A").status).toBe("met");
    expect(rowOf(r2, "K", null).actual).toBeCloseTo(57, 10);
    expect(rowOf(r2, "K", null).status).toBe("met");
  });

  it("800000/1000000 against an interim target that works out to exactly 80 is on-track", () => {
    // trajectory 1.7 at 2018-01 → 97.4 at 2018-12 (11 months); at 2018-10, 9 months in:
    //   1.7 + (97.4 − 1.7) × 9/11 = 1.7 + 95.7 × 9/11 = 1.7 + 78.3 = 80 exactly
    // (in floating point the formula gives 80.00000000000001)
    const k = kpi({
      reporters: ["A"],
      targets: [target(97.4, "2018-12", { from: { period: "2018-01", value: 1.7 } })],
    });
    const period = "2018-10";
    const report = run([k], [pct("A", "K", period, 800000, 1000000)], { period, entities: ["A"] });
    for (const e of ["A", null]) {
      const r = rowOf(report, "K", e);
      // actual = 100 × 800000/1000000 = 80; achievement 80/80 = 1 → on-track (interim)
      expect(r.targetKind).toBe("interim");
      expect(r.target).toBeCloseTo(80, 10);
      expect(r.actual).toBeCloseTo(80, 10);
      expect(r.status).toBe("on-track");
    }
  });

  it("7/10 against the 60→80 trajectory at 2017-09 (exactly 70) is on-track", () => {
    // 60 at 2016-06 → 80 at 2018-12 (30 months); 2017-09 is 15 months in: 60 + 20 × 15/30 = 70
    const k = kpi({
      reporters: ["A"],
      targets: [target(80, "2018-12", { from: { period: "2016-06", value: 60 } })],
    });
    const period = "2017-09";
    const report = run([k], [pct("A", "K", period, 7, 10)], { period, entities: ["A"] });
    for (const e of ["A", null]) {
      // actual 100 × 7/10 = 70; 70/70 = 1 → on-track
      expect(rowOf(report, "K", e).status).toBe("on-track");
    }
  });
});

describe("aggregation across entities (§4.6)", () => {
  const figures = (code: string) => [fig("A", code, P, 3), fig("B", code, P, 4), fig("C", code, P, 5)];
  const entities = ["A", "B", "C"];
  const reporters = ["A", "B", "C"];

  it("sum", () => {
    const k = valueKpi({ unit: "count", aggregation: "sum", reporters, targets: [target(10, "2018-12")] });
    const city = rowOf(run([k], figures("K"), { entities }), "K", null);
    // 3 + 4 + 5 = 12; 12/10 = 1.2 → met
    expect(city.actual).toBeCloseTo(12, 10);
    expect(city.achievement).toBeCloseTo(1.2, 10);
    expect(city.status).toBe("met");
  });

  it("mean", () => {
    const k = valueKpi({ aggregation: "mean", reporters, targets: [target(4, "2018-12")] });
    const city = rowOf(run([k], figures("K"), { entities }), "K", null);
    // (3 + 4 + 5)/3 = 4; 4/4 = 1 → met
    expect(city.actual).toBeCloseTo(4, 10);
    expect(city.status).toBe("met");
  });

  it("min", () => {
    const k = valueKpi({ aggregation: "min", reporters, targets: [target(4, "2018-12")] });
    const city = rowOf(run([k], figures("K"), { entities }), "K", null);
    // min(3, 4, 5) = 3; 3/4 = 0.75 < 0.9 → off-track
    expect(city.actual).toBe(3);
    expect(city.achievement).toBeCloseTo(0.75, 10);
    expect(city.status).toBe("off-track");
  });

  it("max", () => {
    const k = valueKpi({ aggregation: "max", reporters, targets: [target(4, "2018-12")] });
    const city = rowOf(run([k], figures("K"), { entities }), "K", null);
    // max(3, 4, 5) = 5; 5/4 = 1.25 → met
    expect(city.actual).toBe(5);
    expect(city.achievement).toBeCloseTo(1.25, 10);
    expect(city.status).toBe("met");
  });

  it("yes-no with mean: the city actual is the share of entities with 1", () => {
    const k = valueKpi({
      unit: "yes-no",
      aggregation: "mean",
      reporters: ["A", "B", "C", "D"],
      targets: [target(1, "2018-12")],
    });
    const report = run(
      [k],
      [fig("A", "K", P, 1), fig("B", "K", P, 1), fig("C", "K", P, 1), fig("D", "K", P, 0)],
      { entities: ["A", "B", "C", "D"] },
    );
    const city = rowOf(report, "K", null);
    // 3 of 4 → 0.75; 0.75/1 = 0.75 < 0.9 → off-track
    expect(city.actual).toBeCloseTo(0.75, 10);
    expect(city.achievement).toBeCloseTo(0.75, 10);
    expect(city.status).toBe("off-track");
    // A: 1/1 = 1 → met; D: 0/1 = 0 → off-track
    expect(rowOf(report, "K", "A").status).toBe("met");
    expect(rowOf(report, "K", "D").achievement).toBe(0);
    expect(rowOf(report, "K", "D").status).toBe("off-track");
  });
});

describe("compliance (§4.7)", () => {
  it("an entity score is weight-averaged with each achievement capped at 1.2", () => {
    const k1 = valueKpi({ code: "K1", weight: 3, reporters: ["A"], targets: [target(10, "2018-12")] });
    const k2 = valueKpi({ code: "K2", weight: 1, reporters: ["A"], targets: [target(10, "2018-12")] });
    const report = run([k1, k2], [fig("A", "K1", P, 15), fig("A", "K2", P, 5)], { entities: ["A"] });
    // the row keeps the uncapped achievement: 15/10 = 1.5
    expect(rowOf(report, "K1", "A").achievement).toBeCloseTo(1.5, 10);
    const e = entryOf(report.entities, "A");
    // (3 × min(1.5, 1.2) + 1 × 0.5) / (3 + 1) = (3.6 + 0.5)/4 = 1.025
    expect(e.score).toBeCloseTo(1.025, 10);
    // K1 met, K2 0.5 off-track → 1 of 2
    expect(e.compliant).toBe(1);
    expect(e.assessed).toBe(2);
    expect(e.compliance).toBeCloseTo(0.5, 10);
  });

  it("entity counts: met and on-track are compliant; no-data assessed; no-target left out", () => {
    const t10 = [target(10, "2018-12")];
    const kpis = [
      valueKpi({ code: "MET", reporters: ["A"], targets: t10 }),
      // 10 at 2018-10 → 20 at 2019-02 (4 months); at 2018-12: 10 + 10 × 2/4 = 15
      valueKpi({
        code: "ONTRACK",
        reporters: ["A"],
        targets: [target(20, "2019-02", { from: { period: "2018-10", value: 10 } })],
      }),
      valueKpi({ code: "ATRISK", reporters: ["A"], targets: t10 }),
      valueKpi({ code: "OFF", reporters: ["A"], targets: t10 }),
      valueKpi({ code: "NODATA", reporters: ["A"], targets: t10 }),
      valueKpi({ code: "NOTARGET", reporters: ["A"], targets: [] }),
    ];
    const report = run(
      kpis,
      [
        fig("A", "MET", P, 12), //       12/10 = 1.2   met
        fig("A", "ONTRACK", P, 15), //   15/15 = 1     on-track
        fig("A", "ATRISK", P, 9.5), //  9.5/10 = 0.95  at-risk
        fig("A", "OFF", P, 5), //         5/10 = 0.5   off-track
        //                                             NODATA: no-data (0 in the score)
        fig("A", "NOTARGET", P, 3), //                 no-target, not assessed
      ],
      { entities: ["A", "B"] },
    );
    expect(rowOf(report, "MET", "A").status).toBe("met");
    expect(rowOf(report, "ONTRACK", "A").status).toBe("on-track");
    expect(rowOf(report, "ATRISK", "A").status).toBe("at-risk");
    expect(rowOf(report, "OFF", "A").status).toBe("off-track");
    expect(rowOf(report, "NODATA", "A").status).toBe("no-data");
    expect(rowOf(report, "NOTARGET", "A").status).toBe("no-target");

    const e = entryOf(report.entities, "A");
    // compliant: MET, ONTRACK = 2; assessed: all but NOTARGET = 5; 2/5 = 0.4
    expect(e.compliant).toBe(2);
    expect(e.assessed).toBe(5);
    expect(e.compliance).toBeCloseTo(0.4, 10);
    // score: (1.2 + 1 + 0.95 + 0.5 + 0)/5 = 3.65/5 = 0.73
    expect(e.score).toBeCloseTo(0.73, 10);

    // B reports nothing: if listed, nothing is assessed
    const b = report.entities.find((c) => c.code === "B");
    if (b) {
      expect(b.assessed).toBe(0);
      expect(b.compliant).toBe(0);
      expect(b.compliance).toBe(null);
      expect(b.score).toBe(null);
    }
  });

  it("initiatives, policies, pillars and dimensions count the entity rows of linked KPIs only", () => {
    const k1 = kpi({
      code: "K1",
      links: { initiatives: ["i1"], policies: ["p1"], pillars: ["pl1"], dimensions: ["d1"] },
    });
    const k2 = valueKpi({
      code: "K2",
      unit: "count",
      weight: 2,
      targets: [target(10, "2018-12")],
      links: { initiatives: ["i1"], policies: [], pillars: [], dimensions: ["d1"] },
    });
    const k3 = valueKpi({ code: "K3", targets: [target(10, "2018-12")] });
    const report = run(
      [k1, k2, k3],
      [
        pct("A", "K1", P, 9000, 10000), // 90/80 = 1.125   met
        pct("B", "K1", P, 10, 100), //     10/80 = 0.125   off-track
        fig("A", "K2", P, 8), //            8/10 = 0.8     off-track
        fig("B", "K2", P, 14), //          14/10 = 1.4     met (1.2 in scores)
        fig("A", "K3", P, 20), //          20/10 = 2       met (1.2), not linked
        fig("B", "K3", P, 20), //          20/10 = 2       met (1.2), not linked
      ],
    );
    // the city rows are met and must not count: K1 city 100 × 9010/10100 = 89.2 → met;
    // K2 city mean (8 + 14)/2 = 11 → 1.1 met
    expect(rowOf(report, "K1", null).status).toBe("met");
    expect(rowOf(report, "K2", null).status).toBe("met");

    // i1 and d1: K1A met, K1B off, K2A off, K2B met → 2 of 4 = 0.5 (with city rows: 4 of 6)
    //   score: (1 × 1.125 + 1 × 0.125 + 2 × 0.8 + 2 × 1.2)/(1 + 1 + 2 + 2) = 5.25/6 = 0.875
    for (const entry of [entryOf(report.initiatives, "i1"), entryOf(report.dimensions, "d1")]) {
      expect(entry.compliant).toBe(2);
      expect(entry.assessed).toBe(4);
      expect(entry.compliance).toBeCloseTo(0.5, 10);
      expect(entry.score).toBeCloseTo(0.875, 10);
    }
    // p1 and pl1: K1A met, K1B off → 1 of 2 = 0.5 (with the city row: 2 of 3)
    //   score: (1.125 + 0.125)/2 = 0.625
    for (const entry of [entryOf(report.policies, "p1"), entryOf(report.pillars, "pl1")]) {
      expect(entry.compliant).toBe(1);
      expect(entry.assessed).toBe(2);
      expect(entry.compliance).toBeCloseTo(0.5, 10);
      expect(entry.score).toBeCloseTo(0.625, 10);
    }
    // entity A: K1 met, K2 off, K3 met → 2 of 3;
    //   score (1 × 1.125 + 2 × 0.8 + 1 × 1.2)/(1 + 2 + 1) = 3.925/4 = 0.98125
    const a = entryOf(report.entities, "A");
    expect(a.compliant).toBe(2);
    expect(a.assessed).toBe(3);
    expect(a.score).toBeCloseTo(0.98125, 10);
    // entity B: K1 off, K2 met, K3 met → 2 of 3;
    //   score (1 × 0.125 + 2 × 1.2 + 1 × 1.2)/4 = 3.725/4 = 0.93125
    const b = entryOf(report.entities, "B");
    expect(b.compliant).toBe(2);
    expect(b.assessed).toBe(3);
    expect(b.score).toBeCloseTo(0.93125, 10);
  });

  it("a KPI reported by a subset of entities has rows for its reporters only", () => {
    const k1 = valueKpi({ code: "K1", reporters: ["A", "B"], targets: [target(10, "2018-12")] });
    const k2 = valueKpi({ code: "K2", reporters: ["C"], targets: [target(10, "2018-12")] });
    const report = run(
      [k1, k2],
      [fig("A", "K1", P, 10), fig("B", "K1", P, 20), fig("C", "K2", P, 5)],
      { entities: ["A", "B", "C"] },
    );
    const keys = report.rows.map((r) => `${r.kpi}/${r.entity ?? "city"}`).sort();
    // K1: A, B, city; K2: C, city → 5 rows
    expect(keys).toEqual(["K1/A", "K1/B", "K1/city", "K2/C", "K2/city"]);
    // K1 city: mean of A and B = (10 + 20)/2 = 15
    expect(rowOf(report, "K1", null).actual).toBeCloseTo(15, 10);
    // C: only K2 (5/10 = 0.5 off-track) → 0 of 1, score 0.5
    const c = entryOf(report.entities, "C");
    expect(c.assessed).toBe(1);
    expect(c.compliant).toBe(0);
    expect(c.score).toBeCloseTo(0.5, 10);
  });

  it("the city row aggregates the reporting entities' figures only", () => {
    const k1 = valueKpi({ code: "K1", reporters: ["A", "B"], targets: [target(10, "2018-12")] });
    const report = run(
      [k1],
      // C does not report K1; its stray figure is no part of the city aggregate
      [fig("A", "K1", P, 10), fig("B", "K1", P, 20), fig("C", "K1", P, 90)],
      { entities: ["A", "B", "C"] },
    );
    // mean over reporters A, B = (10 + 20)/2 = 15 (not (10 + 20 + 90)/3 = 40)
    expect(rowOf(report, "K1", null).actual).toBeCloseTo(15, 10);
    expect(report.rows.some((r) => r.kpi === "K1" && r.entity === "C")).toBe(false);
  });

  it("report row counts: Σ reporters over KPIs + one city row per KPI", () => {
    const kpis = [
      valueKpi({ code: "K1", reporters: ["A", "B", "C"] }),
      valueKpi({ code: "K2", reporters: ["A", "B"] }),
      valueKpi({ code: "K3", reporters: ["C"] }),
    ];
    const report = run(kpis, [fig("A", "K1", P, 1)], { entities: ["A", "B", "C"] });
    // (3 + 1) + (2 + 1) + (1 + 1) = 9
    expect(report.rows).toHaveLength(9);
    expect(report.rows.filter((r) => r.entity === null)).toHaveLength(3);
    expect(report.period).toBe(P);
  });
});

describe("trend", () => {
  it("change against the previous month and the same month a year before", () => {
    const k = kpi();
    const report = run(
      [k],
      [
        pct("A", "K", "2017-12", 60, 100),
        pct("A", "K", "2018-11", 70, 100),
        pct("A", "K", "2018-12", 75, 100),
        pct("B", "K", "2018-12", 80, 100),
      ],
    );
    const a = rowOf(report, "K", "A").trend;
    // previous 70, change 75 − 70 = 5; year ago 60, change on year 75 − 60 = 15
    expect(a.previous).toBeCloseTo(70, 10);
    expect(a.change).toBeCloseTo(5, 10);
    expect(a.yearAgo).toBeCloseTo(60, 10);
    expect(a.changeOnYear).toBeCloseTo(15, 10);
    // B: no earlier figures → all null
    const b = rowOf(report, "K", "B").trend;
    expect(b.previous).toBe(null);
    expect(b.change).toBe(null);
    expect(b.yearAgo).toBe(null);
    expect(b.changeOnYear).toBe(null);
  });

  it("the city trend compares city aggregates", () => {
    const report = run(
      [kpi()],
      [
        pct("A", "K", "2017-12", 60, 100),
        pct("A", "K", "2018-11", 70, 100),
        pct("A", "K", "2018-12", 75, 100),
        pct("B", "K", "2017-12", 40, 100),
        pct("B", "K", "2018-11", 50, 100),
        pct("B", "K", "2018-12", 85, 100),
      ],
    );
    const t = rowOf(report, "K", null).trend;
    // city: 2018-12 (75 + 85)/200 = 80; 2018-11 (70 + 50)/200 = 60; 2017-12 (60 + 40)/200 = 50
    expect(t.previous).toBeCloseTo(60, 10);
    expect(t.change).toBeCloseTo(20, 10);
    expect(t.yearAgo).toBeCloseTo(50, 10);
    expect(t.changeOnYear).toBeCloseTo(30, 10);
  });

  it("no actual this month → no change, though the previous month is known", () => {
    const report = run([kpi({ reporters: ["A"] })], [pct("A", "K", "2018-11", 70, 100)], {
      entities: ["A"],
    });
    const t = rowOf(report, "K", "A").trend;
    expect(t.previous).toBeCloseTo(70, 10);
    expect(t.change).toBe(null);
    expect(t.changeOnYear).toBe(null);
  });
});

describe("forecast", () => {
  // 60, 61, …, 71 over 2018-01 … 2018-12: y = 71 + (month index − index of 2018-12)
  const rising = monthlyPct("A", "K", "2018-01", [60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71]);

  it("a perfectly linear year toward a pending target", () => {
    const k = kpi({ reporters: ["A"], targets: [target(80, "2019-12")] });
    const r = rowOf(run([k], rising, { entities: ["A"] }), "K", "A");
    expect(r.targetKind).toBe("pending");
    const f = r.forecast;
    expect(f).not.toBe(null);
    // 12 figures, slope 1 per month
    expect(f!.months).toBe(12);
    expect(f!.slope).toBeCloseTo(1, 10);
    // due 2019-12 is 12 months after 2018-12: 71 + 12 = 83
    expect(f!.due).toBe("2019-12");
    expect(f!.projected).toBeCloseTo(83, 10);
    expect(f!.target).toBe(80);
    // 83 ≥ 80 → meets
    expect(f!.meetsTarget).toBe(true);
    // 71 + k ≥ 80 first at k = 9 → 2018-12 + 9 months = 2019-09
    expect(f!.reachesTargetIn).toBe("2019-09");
  });

  it("toward an interim target the forecast aims at the trajectory's goal and due", () => {
    // 60 at 2018-01 → 80 at 2019-12 (23 months); at 2018-12: 60 + 20 × 11/23 = 69.565…
    const k = kpi({
      reporters: ["A"],
      targets: [target(80, "2019-12", { from: { period: "2018-01", value: 60 } })],
    });
    const r = rowOf(run([k], rising, { entities: ["A"] }), "K", "A");
    expect(r.targetKind).toBe("interim");
    expect(r.target).toBeCloseTo(60 + (20 * 11) / 23, 10);
    // 71 / 69.565 = 1.0206 → on-track
    expect(r.status).toBe("on-track");
    const f = r.forecast!;
    expect(f).not.toBe(null);
    expect(f.due).toBe("2019-12");
    // the goal is the trajectory's end value, 80, not the interim 69.565
    expect(f.target).toBe(80);
    expect(f.projected).toBeCloseTo(83, 10);
    expect(f.meetsTarget).toBe(true);
    expect(f.reachesTargetIn).toBe("2019-09");
  });

  it("months are placed by month index, so gaps do not bend the line", () => {
    const k = kpi({ reporters: ["A"], targets: [target(80, "2019-12")] });
    // 2018-01: 60, 2018-05: 64, 2018-12: 71 — all on y = 71 + (x − x(2018-12))
    const figures = [
      pct("A", "K", "2018-01", 60, 100),
      pct("A", "K", "2018-05", 64, 100),
      pct("A", "K", "2018-12", 71, 100),
    ];
    const f = rowOf(run([k], figures, { entities: ["A"] }), "K", "A").forecast;
    expect(f).not.toBe(null);
    expect(f!.months).toBe(3);
    expect(f!.slope).toBeCloseTo(1, 10);
    // 71 + 12 = 83
    expect(f!.projected).toBeCloseTo(83, 10);
    expect(f!.reachesTargetIn).toBe("2019-09");
  });

  it("fewer than 3 figures in the last twelve months → no forecast", () => {
    const k = kpi({ reporters: ["A"], targets: [target(80, "2019-12")] });
    // 2017-12 is the year-ago month, outside the twelve months 2018-01 … 2018-12: only 2 count
    const figures = [
      pct("A", "K", "2017-12", 50, 100),
      pct("A", "K", "2018-11", 70, 100),
      pct("A", "K", "2018-12", 71, 100),
    ];
    const r = rowOf(run([k], figures, { entities: ["A"] }), "K", "A");
    expect(r.targetKind).toBe("pending");
    expect(r.forecast).toBe(null);
  });

  it("a final target (due passed) → no forecast", () => {
    const k = kpi({ reporters: ["A"], targets: [target(80, "2018-06")] });
    const r = rowOf(run([k], rising, { entities: ["A"] }), "K", "A");
    expect(r.targetKind).toBe("final");
    expect(r.forecast).toBe(null);
  });

  it("no target → no forecast", () => {
    const k = kpi({ reporters: ["A"], targets: [] });
    expect(rowOf(run([k], rising, { entities: ["A"] }), "K", "A").forecast).toBe(null);
  });

  it("a falling line on an increase KPI never reaches the target", () => {
    const k = kpi({ reporters: ["A"], targets: [target(80, "2019-12")] });
    // 71, 70, …, 60 over 2018-01 … 2018-12
    const falling = monthlyPct("A", "K", "2018-01", [71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60]);
    const f = rowOf(run([k], falling, { entities: ["A"] }), "K", "A").forecast;
    expect(f).not.toBe(null);
    expect(f!.slope).toBeCloseTo(-1, 10);
    // 60 − 12 = 48 < 80
    expect(f!.projected).toBeCloseTo(48, 10);
    expect(f!.meetsTarget).toBe(false);
    expect(f!.reachesTargetIn).toBe(null);
  });

  it("a decrease KPI's line meets its target going down", () => {
    const k = valueKpi({
      unit: "days",
      direction: "decrease",
      reporters: ["A"],
      targets: [target(5, "2019-12")],
    });
    // 20, 19, …, 9 over 2018-01 … 2018-12
    const days = monthly("A", "K", "2018-01", [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9]);
    const f = rowOf(run([k], days, { entities: ["A"] }), "K", "A").forecast;
    expect(f).not.toBe(null);
    expect(f!.slope).toBeCloseTo(-1, 10);
    // 9 − 12 = −3 ≤ 5 → meets
    expect(f!.projected).toBeCloseTo(-3, 10);
    expect(f!.meetsTarget).toBe(true);
    // 9 − k ≤ 5 first at k = 4 → 2019-04
    expect(f!.reachesTargetIn).toBe("2019-04");
  });

  it("a line already at the target reaches it in the period itself", () => {
    const k = kpi({ reporters: ["A"], targets: [target(85, "2019-12")] });
    // 80 … 91 over 2018-01 … 2018-12
    const high = monthlyPct("A", "K", "2018-01", [80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91]);
    const f = rowOf(run([k], high, { entities: ["A"] }), "K", "A").forecast;
    expect(f).not.toBe(null);
    // 91 + 12 = 103
    expect(f!.projected).toBeCloseTo(103, 10);
    // the line is 91 ≥ 85 at 2018-12 already
    expect(f!.reachesTargetIn).toBe("2018-12");
  });
});

describe("computeSeries", () => {
  // 50 at 2018-09 → 80 at 2018-12: 3 months, +10 a month
  const k = kpi({ targets: [target(80, "2018-12", { from: { period: "2018-09", value: 50 } })] });
  const figures = [
    pct("A", "K", "2018-09", 30, 100),
    pct("B", "K", "2018-09", 60, 100),
    pct("A", "K", "2018-10", 60, 100),
    pct("B", "K", "2018-10", 60, 100),
    pct("A", "K", "2018-11", 50, 100),
    pct("B", "K", "2018-11", 30, 100),
    pct("A", "K", "2018-12", 90, 100),
    pct("B", "K", "2018-12", 70, 100),
  ];

  it("gives the city series with the trajectory target for each month", () => {
    const s = computeSeries({ kpi: k, entity: null, figures, from: "2018-08", to: "2019-01" });
    expect(s.map((p) => p.period)).toEqual([
      "2018-08",
      "2018-09",
      "2018-10",
      "2018-11",
      "2018-12",
      "2019-01",
    ]);
    // 2018-08: before from.period → pending 80; no figures → no-data
    expect(s[0].actual).toBe(null);
    expect(s[0].target).toBe(80);
    expect(s[0].targetKind).toBe("pending");
    expect(s[0].status).toBe("no-data");
    // 2018-09: 50 + 30 × 0/3 = 50; actual (30 + 60)/200 = 45; 45/50 = 0.9 → at-risk
    expect(s[1].actual).toBeCloseTo(45, 10);
    expect(s[1].target).toBeCloseTo(50, 10);
    expect(s[1].targetKind).toBe("interim");
    expect(s[1].status).toBe("at-risk");
    // 2018-10: 50 + 30 × 1/3 = 60; actual 120/200 = 60; 60/60 = 1 → on-track
    expect(s[2].actual).toBeCloseTo(60, 10);
    expect(s[2].target).toBeCloseTo(60, 10);
    expect(s[2].targetKind).toBe("interim");
    expect(s[2].status).toBe("on-track");
    // 2018-11: 50 + 30 × 2/3 = 70; actual 80/200 = 40; 40/70 = 0.571 → off-track
    expect(s[3].actual).toBeCloseTo(40, 10);
    expect(s[3].target).toBeCloseTo(70, 10);
    expect(s[3].status).toBe("off-track");
    // 2018-12: due → final 80; actual 160/200 = 80 → met
    expect(s[4].actual).toBeCloseTo(80, 10);
    expect(s[4].target).toBe(80);
    expect(s[4].targetKind).toBe("final");
    expect(s[4].status).toBe("met");
    // 2019-01: final 80, no figures → no-data
    expect(s[5].actual).toBe(null);
    expect(s[5].targetKind).toBe("final");
    expect(s[5].status).toBe("no-data");
  });

  it("gives an entity's series", () => {
    const s = computeSeries({ kpi: k, entity: "A", figures, from: "2018-09", to: "2018-12" });
    expect(s).toHaveLength(4);
    // 2018-09: 30/50 = 0.6 → off-track
    expect(s[0].actual).toBeCloseTo(30, 10);
    expect(s[0].status).toBe("off-track");
    // 2018-10: 60/60 = 1 → on-track
    expect(s[1].status).toBe("on-track");
    // 2018-11: 50/70 = 0.714 → off-track
    expect(s[2].status).toBe("off-track");
    // 2018-12: 90/80 = 1.125 final → met
    expect(s[3].actual).toBeCloseTo(90, 10);
    expect(s[3].status).toBe("met");
  });

  it("agrees with computeReport month by month", () => {
    const s = computeSeries({ kpi: k, entity: null, figures, from: "2018-09", to: "2018-12" });
    for (const point of s) {
      const city = rowOf(run([k], figures, { period: point.period }), "K", null);
      expect(point.status).toBe(city.status);
      expect(point.targetKind).toBe(city.targetKind);
      expect(point.actual).toBeCloseTo(city.actual!, 10);
      expect(point.target).toBeCloseTo(city.target!, 10);
    }
  });
});

describe("figures outside the months read", () => {
  it("do not change the report", () => {
    const k = kpi({ targets: [target(90, "2019-12")] });
    const base = [
      pct("A", "K", "2017-12", 50, 100),
      ...monthlyPct("A", "K", "2018-01", [60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71]),
      ...monthlyPct("B", "K", "2018-06", [40, 45, 50, 55, 60, 65, 70]),
    ];
    const extra = [
      pct("A", "K", "2010-01", 5, 100), // long ago
      pct("A", "K", "2017-11", 1, 100), // 13 months back: neither the window nor the year-ago month
      pct("B", "K", "2017-06", 99, 100),
      pct("A", "K", "2019-03", 100, 100), // after the period
      pct("B", "K", "2019-01", 100, 100),
    ];
    const without = run([k], base);
    const withExtra = run([k], [...extra, ...base]);
    expect(withExtra).toEqual(without);
    // sanity: the report does use the months it should
    expect(rowOf(without, "K", "A").trend.yearAgo).toBeCloseTo(50, 10);
    expect(rowOf(without, "K", "A").forecast).not.toBe(null);
  });
});
