import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDefinitions } from "../app/definitions/load.server";
import type { DefinitionSet } from "../app/definitions/schema";
import type { FigureInput } from "../app/figures/input";
import { periodRange } from "../app/figures/month";
import { generateDemoFigures } from "./generate";

function load(): DefinitionSet {
  const result = loadDefinitions(path.resolve("kpi-definitions"));
  if (!result.ok) throw new Error(`definitions do not load: ${JSON.stringify(result.errors)}`);
  return result.definitions;
}

const definitions = load();
const figures = generateDemoFigures(definitions);

const BIG_THREE = ["RTA", "DEWA", "DP"];
const LAGGARDS = ["CDA", "DCAA", "IACAD"];

function at(all: FigureInput[], kpi: string, period: string): FigureInput[] {
  return all.filter((f) => f.kpi === kpi && f.period === period);
}

function one(all: FigureInput[], kpi: string, entity: string, period: string): FigureInput {
  const found = all.filter((f) => f.kpi === kpi && f.entity === entity && f.period === period);
  expect(found, `${kpi} ${entity} ${period}`).toHaveLength(1);
  return found[0];
}

const percent = (f: FigureInput) => (100 * f.numerator!) / f.denominator!;

/** Σ numerators ÷ Σ denominators: the city-wide ratio, never the mean of percentages. */
function cityPercent(rows: FigureInput[]): number {
  const num = rows.reduce((s, f) => s + f.numerator!, 0);
  const den = rows.reduce((s, f) => s + f.denominator!, 0);
  return (100 * num) / den;
}

function value(all: FigureInput[], kpi: string, entity: string, period: string): number {
  return one(all, kpi, entity, period).value!;
}

function firstPeriodAbove(all: FigureInput[], kpi: string, entity: string, threshold: number) {
  return all
    .filter((f) => f.kpi === kpi && f.entity === entity && f.value! > threshold)
    .map((f) => f.period)
    .sort()[0];
}

function checkAdoptionFacts(all: FigureInput[]) {
  const mid2016 = at(all, "SMART_ADOPTION", "2016-06");
  const city = cityPercent(mid2016);
  expect(city).toBeGreaterThanOrEqual(78);
  expect(city).toBeLessThanOrEqual(82);

  for (const code of BIG_THREE) {
    expect(percent(one(all, "SMART_ADOPTION", code, "2016-06")), code).toBeGreaterThan(90);
  }
  const others = mid2016.filter((f) => !BIG_THREE.includes(f.entity));
  expect(others).toHaveLength(definitions.entities.length - 3);
  const mean = others.reduce((s, f) => s + percent(f), 0) / others.length;
  expect(mean).toBeGreaterThanOrEqual(55);
  expect(mean).toBeLessThanOrEqual(65);

  const below80 = at(all, "SMART_ADOPTION", "2018-12")
    .filter((f) => percent(f) < 80)
    .map((f) => f.entity)
    .sort();
  expect(below80).toEqual(LAGGARDS);

  return { city, mean, below80 };
}

describe("generateDemoFigures: the Smart Dubai story", () => {
  it("puts the city-wide e-/smart share at about 80% in June 2016, the big three above 90%, the others near 60%", () => {
    const { city, mean } = checkAdoptionFacts(figures);
    // Printed so that a change in the story shows up in the test log.
    console.info(
      `SMART_ADOPTION 2016-06: city ${city.toFixed(2)}%, ` +
        BIG_THREE.map(
          (c) => `${c} ${percent(one(figures, "SMART_ADOPTION", c, "2016-06")).toFixed(2)}%`,
        ).join(", ") +
        `, mean of the others ${mean.toFixed(2)}%`,
    );
  });

  it("keeps RTA, DEWA and Dubai Police above 90% from June 2016 on, rising toward 95% by the end of 2019", () => {
    for (const code of BIG_THREE) {
      for (const period of periodRange("2016-06", "2020-12")) {
        expect(
          percent(one(figures, "SMART_ADOPTION", code, period)),
          `${code} ${period}`,
        ).toBeGreaterThan(90);
      }
      const end2019 = percent(one(figures, "SMART_ADOPTION", code, "2019-12"));
      expect(end2019, code).toBeGreaterThan(93.5);
      expect(end2019, code).toBeGreaterThan(
        percent(one(figures, "SMART_ADOPTION", code, "2016-06")),
      );
    }
  });

  it("leaves exactly IACAD, DCAA and CDA below 80% at the end of 2018", () => {
    const rows = at(figures, "SMART_ADOPTION", "2018-12");
    const below = rows
      .filter((f) => percent(f) < 80)
      .map((f) => f.entity)
      .sort();
    expect(below).toEqual(LAGGARDS);
  });

  it("holds the adoption facts whatever the seed", () => {
    for (const seed of [1, 2, 3, 42, 2018, 99_999])
      checkAdoptionFacts(generateDemoFigures(definitions, { seed }));
  });

  it("grows the counts toward the reported figures", () => {
    // Dubai Now: launched in 2015, more than 50 services during 2017, 22 entities by the end of 2017.
    const servicesLaunch = firstPeriodAbove(figures, "DUBAI_NOW_SERVICES", "SDG", 0);
    expect(servicesLaunch.slice(0, 4)).toBe("2015");
    expect(firstPeriodAbove(figures, "DUBAI_NOW_SERVICES", "SDG", 50).slice(0, 4)).toBe("2017");
    expect(value(figures, "DUBAI_NOW_ENTITIES", "SDG", "2017-12")).toBeGreaterThanOrEqual(22);
    // My ID: more than 640 services by the end of 2018.
    expect(value(figures, "MY_ID_SERVICES", "SDG", "2018-12")).toBeGreaterThan(640);
    // GRP: more than 40 entities by the end of 2016, more than 50 by the end of 2019.
    expect(value(figures, "GRP_ENTITIES", "SDG", "2016-12")).toBeGreaterThan(40);
    expect(value(figures, "GRP_ENTITIES", "SDG", "2019-12")).toBeGreaterThan(50);
    // Smart Dubai Platform: nothing before its 2016 launch, more than 8 entities by the end of 2017.
    expect(value(figures, "SMART_DUBAI_PLATFORM_ENTITIES", "SDO", "2015-12")).toBe(0);
    expect(
      value(figures, "SMART_DUBAI_PLATFORM_ENTITIES", "SDO", "2017-12"),
    ).toBeGreaterThanOrEqual(8);

    for (const kpi of [
      "DUBAI_NOW_SERVICES",
      "DUBAI_NOW_ENTITIES",
      "SMART_DUBAI_PLATFORM_ENTITIES",
      "MY_ID_SERVICES",
      "GRP_ENTITIES",
    ]) {
      const series = figures.filter((f) => f.kpi === kpi).map((f) => f.value!);
      series
        .slice(1)
        .forEach((v, i) => expect(v, `${kpi} never goes down`).toBeGreaterThanOrEqual(series[i]));
    }
  });

  it("switches yes-no KPIs from 0 to 1 once, with every entity on the network by the end of 2017", () => {
    for (const kpi of ["GIN_CONNECTED", "HAPPINESS_METER_DEPLOYED"]) {
      for (const { code } of definitions.entities) {
        const series = figures
          .filter((f) => f.kpi === kpi && f.entity === code)
          .map((f) => f.value);
        const first1 = series.indexOf(1);
        expect(
          series.slice(first1 === -1 ? series.length : first1).every((v) => v === 1),
          `${kpi} ${code}`,
        ).toBe(true);
      }
    }
    const gin = at(figures, "GIN_CONNECTED", "2017-12");
    expect(gin).toHaveLength(definitions.entities.length);
    expect(gin.every((f) => f.value === 1)).toBe(true);

    const meterBy2017 = at(figures, "HAPPINESS_METER_DEPLOYED", "2017-06").filter(
      (f) => f.value === 1,
    );
    expect(meterBy2017.length).toBeGreaterThanOrEqual(definitions.entities.length - 3);
    expect(meterBy2017.length).toBeLessThan(definitions.entities.length);
  });

  it("brings service request times down from about 12 working days toward 4–7", () => {
    const start = at(figures, "SERVICE_REQUEST_DAYS", "2014-01").map((f) => f.value!);
    const end = at(figures, "SERVICE_REQUEST_DAYS", "2020-12").map((f) => f.value!);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(start)).toBeGreaterThan(10.5);
    expect(mean(start)).toBeLessThan(13.5);
    expect(Math.min(...end)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...end)).toBeLessThanOrEqual(7);
  });
});

describe("generateDemoFigures: shape", () => {
  it("is deterministic: two runs give the same output, byte for byte", () => {
    const again = generateDemoFigures(load());
    expect(again).toEqual(figures);
    expect(JSON.stringify(again)).toBe(JSON.stringify(figures));
    expect(JSON.stringify(generateDemoFigures(definitions, { seed: 7 }))).not.toBe(
      JSON.stringify(figures),
    );
  });

  it("gives the same figure for a month whatever range is asked for", () => {
    const part = generateDemoFigures(definitions, { from: "2016-01", to: "2016-12" });
    const same = figures.filter((f) => f.period >= "2016-01" && f.period <= "2016-12");
    expect(part).toEqual(same);
  });

  it("has one figure per reporter, KPI and month from 2014-01 to 2020-12, and nothing else", () => {
    const months = periodRange("2014-01", "2020-12");
    expect(months).toHaveLength(84);
    const allCodes = definitions.entities.map((e) => e.code);
    let expected = 0;
    const keys = new Set<string>();
    for (const kpi of definitions.kpis) {
      const reporters = kpi.reporters === "all" ? allCodes : kpi.reporters;
      expected += reporters.length * months.length;
      for (const entity of reporters)
        for (const period of months) keys.add(`${entity}|${kpi.code}|${period}`);
    }
    expect(definitions.kpis).toHaveLength(14);
    expect(figures).toHaveLength(expected);
    const seen = new Set(figures.map((f) => `${f.entity}|${f.kpi}|${f.period}`));
    expect(seen.size).toBe(figures.length);
    expect([...seen].filter((k) => !keys.has(k))).toEqual([]);
    expect([...keys].filter((k) => !seen.has(k))).toEqual([]);
  });

  it("obeys the figure rules of contract §2", () => {
    const kpis = new Map(definitions.kpis.map((k) => [k.code, k]));
    const entities = new Set(definitions.entities.map((e) => e.code));
    const problems: string[] = [];
    const bad = (f: FigureInput, why: string) =>
      problems.push(`${f.entity} ${f.kpi} ${f.period}: ${why}`);

    for (const f of figures) {
      const kpi = kpis.get(f.kpi);
      if (!kpi) {
        bad(f, "unknown KPI");
        continue;
      }
      if (!entities.has(f.entity)) bad(f, "unknown entity");
      if (kpi.reporters !== "all" && !kpi.reporters.includes(f.entity))
        bad(f, "entity does not report this KPI");
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(f.period)) bad(f, "malformed period");

      if (kpi.measure === "ratio") {
        const { numerator: n, denominator: d } = f;
        if (f.value !== undefined && f.value !== null) bad(f, "value set on a ratio KPI");
        if (typeof n !== "number" || typeof d !== "number") {
          bad(f, "numerator or denominator missing");
          continue;
        }
        if (!Number.isInteger(n) || !Number.isInteger(d))
          bad(f, "numerator and denominator must be integers");
        if (d <= 0) bad(f, "denominator must be above 0");
        if (n < 0) bad(f, "numerator must not be negative");
        if (kpi.unit === "percent") {
          if (n > d) bad(f, "numerator greater than denominator");
          const p = (100 * n) / d;
          if (p < 0 || p > 100) bad(f, "percent outside 0–100");
        }
      } else {
        const v = f.value;
        if (f.numerator != null || f.denominator != null)
          bad(f, "numerator or denominator set on a value KPI");
        if (typeof v !== "number" || !Number.isFinite(v)) {
          bad(f, "value missing or not a number");
          continue;
        }
        if (kpi.unit === "yes-no" && v !== 0 && v !== 1) bad(f, "yes-no must be 0 or 1");
        if (kpi.unit === "count" && (!Number.isInteger(v) || v < 0))
          bad(f, "count must be a whole number of 0 or more");
        if (kpi.unit === "days" && (v < 0 || Math.round(v * 10) / 10 !== v))
          bad(f, "days must be 0 or more, one decimal");
        if (kpi.unit === "percent" && (v < 0 || v > 100)) bad(f, "percent outside 0–100");
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});
