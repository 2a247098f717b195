// End to end through the command line: sync a definitions folder, import figures, read the
// report. Every expected number is worked out by hand in the comment beside it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKpi } from "../../cli/run";

let dir: string;
const env = () => ({
  DATABASE_PATH: path.join(dir, "report.db"),
  KPI_DEFINITIONS_DIR: path.join(dir, "defs"),
});
const now = new Date("2026-11-24T10:00:00Z");

function kpi(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runKpi(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: env(), now });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const name = (en: string) => `{ en: "${en}", ar: "${en} بالعربية" }`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "report-it-"));
  mkdirSync(path.join(dir, "defs/kpis"), { recursive: true });
  writeFileSync(
    path.join(dir, "defs/entities.yaml"),
    `entities:\n${["AAA", "BBB", "CCC"].map((c) => `  - { code: ${c}, name: ${name(c)} }`).join("\n")}\n`,
  );
  writeFileSync(
    path.join(dir, "defs/strategy.yaml"),
    `dimensions: [{ code: d1, name: ${name("D1")} }]
pillars: [{ code: pl1, name: ${name("P1")} }]
initiatives:
  - { code: i1, name: ${name("I1")}, pillar: pl1 }
  - { code: i2, name: ${name("I2")}, pillar: pl1 }
policies: [{ code: p1, name: ${name("Policy")} }]
`,
  );
  writeFileSync(
    path.join(dir, "defs/kpis/adoption.yaml"),
    `code: ADOPTION
name: ${name("Adoption")}
unit: percent
direction: increase
measure: ratio
numerator: ${name("Smart")}
denominator: ${name("All")}
aggregation: ratio-of-sums
weight: 2
reporters: all
links: { policies: [p1], initiatives: [i1], pillars: [pl1], dimensions: [d1] }
targets:
  - { value: 80, due: 2018-12 }
  - { value: 90, due: 2018-12, entities: [AAA] }
  - { value: 75, due: 2018-12, scope: city }
`,
  );
  writeFileSync(
    path.join(dir, "defs/kpis/services.yaml"),
    `code: SERVICES
name: ${name("Services")}
unit: count
direction: increase
measure: value
aggregation: sum
reporters: [AAA, BBB]
links: { policies: [p1], initiatives: [i2], pillars: [pl1], dimensions: [d1] }
targets:
  - { value: 10, due: 2019-12, from: { period: 2018-01, value: 2 } }
`,
  );
  writeFileSync(
    path.join(dir, "figures.csv"),
    [
      "entity,kpi,period,value,numerator,denominator,comment",
      "AAA,ADOPTION,2018-11,,900,1000,",
      "AAA,ADOPTION,2018-12,,930,1000,",
      "BBB,ADOPTION,2018-12,,700,1000,",
      "AAA,SERVICES,2018-12,6,,,",
      'BBB,SERVICES,2018-12,5,,,"one service, delayed"',
    ].join("\r\n"),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kpi sync, import and report, end to end", () => {
  it("loads the definitions and the figures", () => {
    expect(kpi(["sync"]).code).toBe(0);
    const imported = kpi(["import", path.join(dir, "figures.csv")]);
    expect(imported.err).toBe("");
    expect(imported.out).toContain("imported 5 figure(s)");
  });

  it("reports every row for 2018-12 as contract §4 computes it", () => {
    const { code, out } = kpi(["report", "--period", "2018-12", "--format", "json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.period).toBe("2018-12");
    // 3 ADOPTION reporters + city, 2 SERVICES reporters + city.
    expect(report.rows).toHaveLength(7);
    const row = (k: string, e: string | null) =>
      report.rows.find(
        (r: { kpi: string; entity: string | null }) => r.kpi === k && r.entity === e,
      );

    // AAA's own target (90) replaces the general 80: 93 ÷ 90.
    expect(row("ADOPTION", "AAA")).toMatchObject({
      actual: 93,
      target: 90,
      targetKind: "final",
      status: "met",
    });
    expect(row("ADOPTION", "AAA").achievement).toBeCloseTo(93 / 90, 12);
    // Trend: 93 − 90 in November.
    expect(row("ADOPTION", "AAA").trend.change).toBeCloseTo(3, 12);
    // BBB: 70 ÷ 80 = 0.875, below the 0.9 band.
    expect(row("ADOPTION", "BBB")).toMatchObject({
      actual: 70,
      target: 80,
      achievement: 0.875,
      status: "off-track",
    });
    // CCC sent nothing while a target is in force.
    expect(row("ADOPTION", "CCC")).toMatchObject({
      actual: null,
      target: 80,
      achievement: null,
      status: "no-data",
    });
    // City: (930 + 700) ÷ (1000 + 1000) = 81.5% against the city-only 75.
    expect(row("ADOPTION", null)).toMatchObject({
      actual: 81.5,
      target: 75,
      targetKind: "final",
      status: "met",
    });
    expect(row("ADOPTION", null).explanation.figures).toMatchObject({
      numerator: 1630,
      denominator: 2000,
      reported: 2,
      reporters: 3,
    });

    // Interim on 2 → 10 from 2018-01 to 2019-12: 2 + 8 × 11 ÷ 23 = 5.8260869…
    const interim = 2 + (8 * 11) / 23;
    expect(row("SERVICES", "AAA")).toMatchObject({
      actual: 6,
      targetKind: "interim",
      status: "on-track",
    });
    expect(row("SERVICES", "AAA").target).toBeCloseTo(interim, 12);
    expect(row("SERVICES", "BBB").status).toBe("off-track"); // 5 ÷ 5.826 = 0.858
    // No city target: the general one applies to the sum 6 + 5 = 11.
    expect(row("SERVICES", null)).toMatchObject({
      actual: 11,
      targetKind: "interim",
      status: "on-track",
    });
    expect(row("SERVICES", "CCC")).toBeUndefined();

    const entity = (c: string) => report.entities.find((e: { code: string }) => e.code === c);
    expect(entity("AAA")).toMatchObject({ compliant: 2, assessed: 2, compliance: 1 });
    // (2 × 93/90 + 1 × 6/interim) ÷ 3
    expect(entity("AAA").score).toBeCloseTo((2 * (93 / 90) + 6 / interim) / 3, 12);
    expect(entity("BBB")).toMatchObject({ compliant: 0, assessed: 2, compliance: 0 });
    expect(entity("BBB").score).toBeCloseTo((2 * 0.875 + 5 / interim) / 3, 12);
    // A missing figure counts 0.
    expect(entity("CCC")).toMatchObject({ compliant: 0, assessed: 1, compliance: 0, score: 0 });

    // p1 covers the five entity rows of both KPIs; AAA's two are compliant.
    expect(report.policies).toEqual([
      expect.objectContaining({ code: "p1", compliant: 2, assessed: 5, compliance: 0.4 }),
    ]);
    expect(report.initiatives).toEqual([
      expect.objectContaining({ code: "i1", compliant: 1, assessed: 3 }),
      expect.objectContaining({ code: "i2", compliant: 1, assessed: 2, compliance: 0.5 }),
    ]);
  });

  it("prints the same rows as CSV, one line each, with a header", () => {
    const { code, out } = kpi(["report", "--period", "2018-12", "--format", "csv"]);
    expect(code).toBe(0);
    const lines = out.split("\n");
    expect(lines[0]).toBe(
      "period,kpi,entity,actual,target,target_kind,achievement,status,previous,change,year_ago,change_on_year,forecast_due,forecast_projected,forecast_meets_target,forecast_reaches_target_in",
    );
    expect(lines).toHaveLength(8);
    expect(lines).toContain("2018-12,ADOPTION,BBB,70,80,final,0.875,off-track,,,,,,,,");
    // November's city figure is AAA's alone (900 ÷ 1000 = 90%): 81.5 − 90 = −8.5.
    expect(lines).toContain("2018-12,ADOPTION,,81.5,75,final,1.0866666666666667,met,90,-8.5,,,,,,");
  });

  it("reports a month before any figure as no data, against the targets then pending", () => {
    const report = JSON.parse(kpi(["report", "--period", "2017-06"]).out);
    const adoption = report.rows.find(
      (r: { kpi: string; entity: string | null }) => r.kpi === "ADOPTION" && r.entity === "BBB",
    );
    expect(adoption).toMatchObject({
      actual: null,
      target: 80,
      targetKind: "pending",
      status: "no-data",
    });
  });

  it("refuses a missing or malformed period with usage and exit code 2", () => {
    expect(kpi(["report"]).code).toBe(2);
    const bad = kpi(["report", "--period", "2018-1"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--period as YYYY-MM");
    expect(kpi(["report", "--period", "2018-12", "--format", "xml"]).code).toBe(2);
    expect(kpi(["report", "--period=2018-12", "--colour"]).code).toBe(2);
  });
});
