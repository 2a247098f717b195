// Property tests for the compliance engine, from the compliance contract §4.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { periodRange } from "../figures/month";
import { computeReport } from "./engine";
import type {
  Compliance,
  ComplianceReport,
  EngineFigure,
  EngineInput,
  EngineKpi,
  ReportRow,
  Status,
  Target,
} from "./types";

const P = "2018-12";
const ENTITIES = ["A", "B", "C", "D"];
const INITIATIVES = ["i1", "i2", "i3"];
const POLICIES = ["p1", "p2"];
const PILLARS = ["pl1", "pl2"];
const DIMENSIONS = ["d1", "d2"];
/** The year-ago month, the twelve months up to P, and a few months the engine must ignore. */
const MONTHS = ["2016-03", ...periodRange("2017-11", "2018-12"), "2019-02"];
const CATEGORIES = ["entities", "initiatives", "policies", "pillars", "dimensions"] as const;

function target(value: number, due: string, overrides: Partial<Target> = {}): Target {
  return { value, due, entities: null, scope: null, from: null, ...overrides };
}

// ---------------------------------------------------------------------------------------------
// A random but valid world: KPIs of every shape, targets of every kind, missing figures.

const SHAPES = [
  { unit: "percent", measure: "ratio", aggregation: "ratio-of-sums" },
  { unit: "currency", measure: "ratio", aggregation: "ratio-of-sums" },
  { unit: "count", measure: "value", aggregation: "sum" },
  { unit: "days", measure: "value", aggregation: "mean" },
  { unit: "number", measure: "value", aggregation: "min" },
  { unit: "number", measure: "value", aggregation: "max" },
  { unit: "yes-no", measure: "value", aggregation: "mean" },
] as const;

const arbTarget: fc.Arbitrary<Target> = fc
  .record({
    value: fc.integer({ min: 0, max: 120 }),
    due: fc.constantFrom("2017-06", "2018-06", "2018-12", "2019-06", "2020-12"),
    entities: fc.option(fc.subarray(ENTITIES, { minLength: 1 }), { nil: null }),
    city: fc.boolean(),
    from: fc.option(
      fc.record({
        period: fc.constantFrom("2016-01", "2018-01", "2018-12"),
        value: fc.integer({ min: 0, max: 100 }),
      }),
      { nil: null },
    ),
  })
  .map(({ value, due, entities, city, from }) =>
    target(value, due, {
      entities: city ? null : entities,
      scope: city ? "city" : null,
      from: from && from.period < due ? from : null,
    }),
  );

const arbKpi = (index: number): fc.Arbitrary<EngineKpi> =>
  fc
    .record({
      shape: fc.constantFrom(...SHAPES),
      direction: fc.constantFrom("increase" as const, "decrease" as const),
      weight: fc.integer({ min: 1, max: 5 }),
      atRiskBand: fc.constantFrom(0.8, 0.9, 0.95),
      reporters: fc.subarray(ENTITIES, { minLength: 1 }),
      targets: fc.array(arbTarget, { maxLength: 3 }),
      links: fc.record({
        policies: fc.subarray(POLICIES),
        initiatives: fc.subarray(INITIATIVES),
        pillars: fc.subarray(PILLARS),
        dimensions: fc.subarray(DIMENSIONS),
      }),
    })
    .map(({ shape, ...rest }) => ({ code: `K${index}`, ...shape, ...rest }));

const arbKpis: fc.Arbitrary<EngineKpi[]> = fc
  .integer({ min: 1, max: 4 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbKpi(i))));

interface RawFigure {
  entity: number;
  kpi: number;
  month: number;
  a: number;
  b: number;
}

const arbRaw: fc.Arbitrary<RawFigure> = fc.record({
  entity: fc.nat(ENTITIES.length - 1),
  kpi: fc.nat(3),
  month: fc.nat(MONTHS.length - 1),
  a: fc.integer({ min: 0, max: 1000 }),
  b: fc.integer({ min: 1, max: 1000 }),
});

/** Turns raw draws into valid figures: reporters only, one per key, values fitting the unit. */
function figuresFor(kpis: EngineKpi[], raws: RawFigure[]): EngineFigure[] {
  const seen = new Set<string>();
  const out: EngineFigure[] = [];
  for (const raw of raws) {
    const k = kpis[raw.kpi % kpis.length];
    const entity = ENTITIES[raw.entity];
    const period = MONTHS[raw.month];
    if (!k.reporters.includes(entity)) continue;
    const key = `${entity}|${k.code}|${period}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (k.measure === "ratio") {
      const d = raw.b;
      const n = k.unit === "percent" ? Math.min(raw.a, d) : raw.a;
      const value = k.unit === "percent" ? (100 * n) / d : n / d;
      out.push({ entity, kpi: k.code, period, value, numerator: n, denominator: d });
    } else {
      const value = k.unit === "yes-no" ? raw.a % 2 : raw.a;
      out.push({ entity, kpi: k.code, period, value, numerator: null, denominator: null });
    }
  }
  return out;
}

const arbWorld: fc.Arbitrary<EngineInput> = fc
  .record({ kpis: arbKpis, raws: fc.array(arbRaw, { maxLength: 120 }) })
  .map(({ kpis, raws }) => ({
    period: P,
    entities: [...ENTITIES],
    kpis,
    figures: figuresFor(kpis, raws),
  }));

/** A permutation of `items`. */
function permutation<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

// ---------------------------------------------------------------------------------------------
// Comparison with a floating point tolerance (sums in another order may differ in the last bit).

function close(a: unknown, b: unknown, path = "$"): string | null {
  if (typeof a === "number" && typeof b === "number") {
    if (Object.is(a, b)) return null;
    const tolerance = 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    return Math.abs(a - b) <= tolerance ? null : `${path}: ${a} ≠ ${b}`;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return a === b ? null : `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const diff = close(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (diff) return diff;
  }
  return null;
}

const rowKey = (r: ReportRow) => `${r.kpi}|${r.entity ?? "(city)"}`;

function byKey<T>(items: T[], key: (item: T) => string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) {
    expect(out[key(item)], `duplicate key ${key(item)}`).toBeUndefined();
    out[key(item)] = item;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe("engine properties", () => {
  it("(a) the city ratio-of-sums actual lies between the entities' min and max ratio", () => {
    const arbEntityRatio = fc
      .integer({ min: 1, max: 10_000_000 })
      .chain((d) => fc.tuple(fc.integer({ min: 0, max: d }), fc.constant(d)));
    fc.assert(
      fc.property(fc.array(arbEntityRatio, { minLength: 1, maxLength: 6 }), (ratios) => {
        const entities = ratios.map((_, i) => `E${i}`);
        const k: EngineKpi = {
          code: "K",
          unit: "percent",
          direction: "increase",
          measure: "ratio",
          aggregation: "ratio-of-sums",
          weight: 1,
          atRiskBand: 0.9,
          reporters: entities,
          targets: [target(80, "2018-12")],
          links: { policies: [], initiatives: [], pillars: [], dimensions: [] },
        };
        const figures = ratios.map(([n, d], i) => ({
          entity: entities[i],
          kpi: "K",
          period: P,
          value: (100 * n) / d,
          numerator: n,
          denominator: d,
        }));
        const report = computeReport({ period: P, entities, kpis: [k], figures });
        const city = report.rows.find((r) => r.kpi === "K" && r.entity === null);
        expect(city).toBeDefined();
        const values = figures.map((f) => f.value);
        const actual = city!.actual;
        expect(actual).not.toBe(null);
        expect(actual!).toBeGreaterThanOrEqual(Math.min(...values) - 1e-9);
        expect(actual!).toBeLessThanOrEqual(Math.max(...values) + 1e-9);
        // and it is Σn/Σd, scaled to percent
        const sumN = ratios.reduce((s, [n]) => s + n, 0);
        const sumD = ratios.reduce((s, [, d]) => s + d, 0);
        expect(Math.abs(actual! - (100 * sumN) / sumD)).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it("(b) raising an entity's actual never lowers the status of an increase KPI", () => {
    const rank: Partial<Record<Status, number>> = {
      met: 3,
      "on-track": 3,
      "at-risk": 2,
      "off-track": 1,
    };
    const targetSets: Target[][] = [
      [target(80, "2018-12")], // final
      [target(80, "2019-12")], // pending
      [target(90, "2019-12", { from: { period: "2018-06", value: 60 } })], // interim
    ];
    const actual = fc.double({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        actual,
        actual,
        fc.constantFrom(...targetSets),
        fc.constantFrom(0.5, 0.8, 0.9, 0.99),
        (x, y, targets, atRiskBand) => {
          const [low, high] = x <= y ? [x, y] : [y, x];
          const k: EngineKpi = {
            code: "K",
            unit: "number",
            direction: "increase",
            measure: "value",
            aggregation: "mean",
            weight: 1,
            atRiskBand,
            reporters: ["A"],
            targets,
            links: { policies: [], initiatives: [], pillars: [], dimensions: [] },
          };
          const statusAt = (value: number) => {
            const report = computeReport({
              period: P,
              entities: ["A"],
              kpis: [k],
              figures: [{ entity: "A", kpi: "K", period: P, value, numerator: null, denominator: null }],
            });
            return report.rows.find((r) => r.entity === "A")!.status;
          };
          const before = statusAt(low);
          const after = statusAt(high);
          expect(rank[before], `status ${before}`).toBeDefined();
          expect(rank[after], `status ${after}`).toBeDefined();
          expect(rank[after]!).toBeGreaterThanOrEqual(rank[before]!);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("(c) every compliance value is null or in [0, 1], and compliant ≤ assessed", () => {
    fc.assert(
      fc.property(arbWorld, (input) => {
        const report = computeReport(input);
        for (const category of CATEGORIES) {
          for (const c of report[category]) {
            expect(Number.isInteger(c.compliant)).toBe(true);
            expect(Number.isInteger(c.assessed)).toBe(true);
            expect(c.compliant).toBeGreaterThanOrEqual(0);
            expect(c.compliant).toBeLessThanOrEqual(c.assessed);
            if (c.compliance === null) {
              expect(c.assessed).toBe(0);
            } else {
              expect(c.compliance).toBeGreaterThanOrEqual(0);
              expect(c.compliance).toBeLessThanOrEqual(1);
              expect(c.compliance).toBeCloseTo(c.compliant / c.assessed, 12);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("(d) the order of figures, entities, reporters and KPIs does not change the report", () => {
    const arbShuffled = arbWorld.chain((input) =>
      fc.record({
        input: fc.constant(input),
        figures: permutation(input.figures),
        entities: permutation(input.entities),
        kpis: permutation(input.kpis),
        reporters: fc.tuple(...input.kpis.map((k) => permutation(k.reporters))),
      }),
    );
    fc.assert(
      fc.property(arbShuffled, ({ input, figures, entities, kpis, reporters }) => {
        const reporterOf = new Map(input.kpis.map((k, i) => [k.code, reporters[i]]));
        const shuffled: EngineInput = {
          period: input.period,
          entities,
          figures,
          kpis: kpis.map((k) => ({ ...k, reporters: reporterOf.get(k.code)! })),
        };
        const a: ComplianceReport = computeReport(input);
        const b: ComplianceReport = computeReport(shuffled);
        expect(b.rows).toHaveLength(a.rows.length);
        const diffRows = close(byKey(a.rows, rowKey), byKey(b.rows, rowKey), "rows");
        expect(diffRows).toBe(null);
        for (const category of CATEGORIES) {
          const key = (c: Compliance) => c.code;
          const diff = close(byKey(a[category], key), byKey(b[category], key), category);
          expect(diff).toBe(null);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("(e) every score is null or in [0, 1.2]", () => {
    fc.assert(
      fc.property(arbWorld, (input) => {
        const report = computeReport(input);
        for (const category of CATEGORIES) {
          for (const c of report[category]) {
            if (c.score === null) {
              expect(c.assessed).toBe(0);
            } else {
              expect(c.score).toBeGreaterThanOrEqual(0);
              expect(c.score).toBeLessThanOrEqual(1.2 + 1e-12);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
