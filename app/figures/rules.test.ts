import { describe, it, expect } from "vitest";
import {
  checkFigure,
  describeProblem,
  MAX_COMMENT_LENGTH,
  normaliseDigits,
  parseNumber,
  parseYesNo,
  PROBLEM_CODES,
  type CheckResult,
  type FigureProblem,
  type FigureRules,
  type KpiRules,
  type ProblemCode,
  type RawFigure,
} from "./rules";

const KPIS: Record<string, KpiRules> = {
  SMART_ADOPTION: { unit: "percent", measure: "ratio", reporters: null },
  COST_PER_TRANSACTION: { unit: "currency", measure: "ratio", reporters: null },
  SERVICES_ON_DUBAI_NOW: { unit: "count", measure: "value", reporters: new Set(["DM", "SDG"]) },
  HAPPINESS: { unit: "percent", measure: "value", reporters: null },
  GIN_CONNECTED: { unit: "yes-no", measure: "value", reporters: null },
  BUDGET_BALANCE: { unit: "number", measure: "value", reporters: null },
  REQUEST_DAYS: { unit: "days", measure: "value", reporters: null },
};

const RULES: FigureRules = {
  entities: new Set(["RTA", "DM", "SDG"]),
  kpis: new Map(Object.entries(KPIS)),
  lockedPeriods: new Set(["2018-06"]),
  currentPeriod: "2026-11",
};

function check(raw: Partial<RawFigure>): CheckResult {
  return checkFigure({ entity: "RTA", kpi: "SMART_ADOPTION", period: "2018-12", ...raw }, RULES);
}

function ratio(numerator: string, denominator: string, raw: Partial<RawFigure> = {}): CheckResult {
  return check({ numerator, denominator, ...raw });
}

function value(kpi: string, text: string, raw: Partial<RawFigure> = {}): CheckResult {
  return check({ entity: "DM", kpi, value: text, ...raw });
}

function problemsOf(result: CheckResult): FigureProblem[] {
  if (result.ok)
    throw new Error(`expected problems, but the figure passed: ${JSON.stringify(result.figure)}`);
  return result.problems;
}

function valueOf(result: CheckResult): number {
  if (!result.ok)
    throw new Error(
      `expected the figure to pass: ${result.problems.map(describeProblem).join("; ")}`,
    );
  return result.figure.value;
}

describe("normaliseDigits", () => {
  it("turns Arabic-Indic digits into ASCII", () => {
    expect(normaliseDigits("٩٣١٠٠٠٠")).toBe("9310000");
  });

  it("turns every Arabic-Indic digit from ٠ to ٩ into its ASCII digit", () => {
    expect(normaliseDigits("٠١٢٣٤٥٦٧٨٩")).toBe("0123456789");
  });

  it("turns Eastern Arabic-Indic (Persian) digits into ASCII", () => {
    expect(normaliseDigits("۰۱۲۳۴۵۶۷۸۹")).toBe("0123456789");
  });

  it("turns the Arabic decimal separator into a point", () => {
    expect(normaliseDigits("٩٣٫١")).toBe("93.1");
  });

  it("trims spaces and leaves ASCII text alone", () => {
    expect(normaliseDigits("  2018-12 ")).toBe("2018-12");
  });

  it("normalises an Arabic-Indic period", () => {
    expect(normaliseDigits("٢٠١٨-١٢")).toBe("2018-12");
  });
});

describe("parseNumber", () => {
  it.each([
    ["931", 931],
    ["93.1", 93.1],
    ["-5", -5],
    [" 12 ", 12],
    ["0", 0],
    ["٩٣١٠٠٠٠", 9310000],
    ["٩٣٫١", 93.1],
  ])("reads %j as %d", (text, expected) => {
    expect(parseNumber(text)).toBe(expected);
  });

  it.each([
    "abc",
    "1e5",
    "1E5",
    "1,000",
    "",
    " ",
    "12abc",
    "Infinity",
    "NaN",
    "0x10",
    "+5",
    "1.2.3",
  ])("refuses %j", (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe("parseYesNo", () => {
  it.each(["1", "yes", "true", "نعم", "YES", "Yes", "TRUE", "True", " yes ", "١"])(
    "reads %j as 1",
    (text) => {
      expect(parseYesNo(text)).toBe(1);
    },
  );

  it.each(["0", "no", "false", "لا", "NO", "No", "FALSE", "False", " no ", "٠"])(
    "reads %j as 0",
    (text) => {
      expect(parseYesNo(text)).toBe(0);
    },
  );

  it.each(["maybe", "y", "n", "2", "", "oui", "1.0"])("refuses %j", (text) => {
    expect(parseYesNo(text)).toBeNull();
  });
});

describe("checkFigure: good figures", () => {
  it("computes a percent ratio as 100 × numerator ÷ denominator, exactly", () => {
    const result = ratio("931", "1000");
    expect(result).toEqual({
      ok: true,
      figure: {
        entity: "RTA",
        kpi: "SMART_ADOPTION",
        period: "2018-12",
        value: 93.1,
        numerator: 931,
        denominator: 1000,
        comment: null,
      },
    });
  });

  it("computes the contract's example 9310000 ÷ 10000000 as 93.1", () => {
    expect(valueOf(ratio("9310000", "10000000"))).toBe(93.1);
  });

  it("computes 100 × numerator ÷ denominator without the rounding of 100 × (n ÷ d)", () => {
    // 100 * (7 / 1000) is 0.7000000000000001; (100 * 7) / 1000 is 0.7.
    expect(valueOf(ratio("7", "1000"))).toBe(0.7);
  });

  it("computes a ratio that is not a percent as numerator ÷ denominator", () => {
    expect(
      valueOf(check({ kpi: "COST_PER_TRANSACTION", numerator: "1500", denominator: "100" })),
    ).toBe(15);
  });

  it("reads Arabic-Indic numerator, denominator and period", () => {
    const result = check({ period: "٢٠١٨-١٢", numerator: "٩٣١٠٠٠٠", denominator: "١٠٠٠٠٠٠٠" });
    expect(result.ok && result.figure).toMatchObject({
      period: "2018-12",
      value: 93.1,
      numerator: 9310000,
      denominator: 10000000,
    });
  });

  it("reads an Arabic-Indic decimal value", () => {
    expect(valueOf(value("HAPPINESS", "٩٣٫١"))).toBe(93.1);
  });

  it("accepts a count from an entity that reports it", () => {
    const result = value("SERVICES_ON_DUBAI_NOW", "7", { comment: "  three more in January " });
    expect(result).toEqual({
      ok: true,
      figure: {
        entity: "DM",
        kpi: "SERVICES_ON_DUBAI_NOW",
        period: "2018-12",
        value: 7,
        numerator: null,
        denominator: null,
        comment: "three more in January",
      },
    });
  });

  it("trims the entity and KPI codes", () => {
    const result = check({ entity: " DM ", kpi: " SERVICES_ON_DUBAI_NOW ", value: "7" });
    expect(result.ok && [result.figure.entity, result.figure.kpi]).toEqual([
      "DM",
      "SERVICES_ON_DUBAI_NOW",
    ]);
  });

  it("stores a yes-no word as 1 or 0", () => {
    expect(valueOf(value("GIN_CONNECTED", "نعم"))).toBe(1);
    expect(valueOf(value("GIN_CONNECTED", "FALSE"))).toBe(0);
  });

  it("accepts a negative value on a number KPI", () => {
    expect(valueOf(value("BUDGET_BALANCE", "-12.5"))).toBe(-12.5);
  });

  it("accepts the current month", () => {
    expect(check({ period: "2026-11", numerator: "1", denominator: "2" }).ok).toBe(true);
  });

  it("accepts numerator equal to denominator on a percent (100%)", () => {
    expect(valueOf(ratio("1000", "1000"))).toBe(100);
  });

  it("accepts a numerator above the denominator on a ratio that is not a percent", () => {
    expect(
      valueOf(check({ kpi: "COST_PER_TRANSACTION", numerator: "30", denominator: "20" })),
    ).toBe(1.5);
  });

  it("accepts a comment of exactly the maximum length", () => {
    expect(ratio("1", "2", { comment: "x".repeat(MAX_COMMENT_LENGTH) }).ok).toBe(true);
  });
});

describe("checkFigure: every problem code", () => {
  const cases: Array<[ProblemCode, () => CheckResult, FigureProblem]> = [
    [
      "unknown-entity",
      () => ratio("1", "2", { entity: "ACME" }),
      { code: "unknown-entity", field: "entity", params: { entity: "ACME" } },
    ],
    [
      "unknown-kpi",
      () => check({ kpi: "NO_SUCH_KPI", value: "1" }),
      { code: "unknown-kpi", field: "kpi", params: { kpi: "NO_SUCH_KPI" } },
    ],
    [
      "not-a-reporter",
      () => check({ entity: "RTA", kpi: "SERVICES_ON_DUBAI_NOW", value: "7" }),
      {
        code: "not-a-reporter",
        field: "entity",
        params: { entity: "RTA", kpi: "SERVICES_ON_DUBAI_NOW" },
      },
    ],
    [
      "bad-period",
      () => ratio("1", "2", { period: "2018-13" }),
      { code: "bad-period", field: "period", params: { period: "2018-13" } },
    ],
    [
      "future-period",
      () => ratio("1", "2", { period: "2026-12" }),
      { code: "future-period", field: "period", params: { period: "2026-12", current: "2026-11" } },
    ],
    [
      "locked-period",
      () => ratio("1", "2", { period: "2018-06" }),
      { code: "locked-period", field: "period", params: { period: "2018-06" } },
    ],
    [
      "missing-value",
      () => value("SERVICES_ON_DUBAI_NOW", ""),
      { code: "missing-value", field: "value", params: {} },
    ],
    [
      "not-a-number",
      () => value("SERVICES_ON_DUBAI_NOW", "abc"),
      { code: "not-a-number", field: "value", params: { text: "abc" } },
    ],
    [
      "negative",
      () => value("SERVICES_ON_DUBAI_NOW", "-3"),
      { code: "negative", field: "value", params: { value: -3 } },
    ],
    [
      "not-whole",
      () => value("SERVICES_ON_DUBAI_NOW", "2.5"),
      { code: "not-whole", field: "value", params: { value: 2.5 } },
    ],
    [
      "numerator-above-denominator",
      () => ratio("1001", "1000"),
      {
        code: "numerator-above-denominator",
        field: "numerator",
        params: { numerator: 1001, denominator: 1000 },
      },
    ],
    [
      "zero-denominator",
      () => ratio("0", "0"),
      { code: "zero-denominator", field: "denominator", params: {} },
    ],
    [
      "percent-out-of-range",
      () => value("HAPPINESS", "101"),
      { code: "percent-out-of-range", field: "value", params: { value: 101 } },
    ],
    [
      "bad-yes-no",
      () => value("GIN_CONNECTED", "maybe"),
      { code: "bad-yes-no", field: "value", params: { value: "maybe" } },
    ],
    [
      "value-on-ratio",
      () => check({ value: "93.1" }),
      { code: "value-on-ratio", field: "value", params: { kpi: "SMART_ADOPTION" } },
    ],
    [
      "value-on-ratio",
      () => check({ value: "93.1", numerator: "931", denominator: "1000" }),
      { code: "value-on-ratio", field: "value", params: { kpi: "SMART_ADOPTION" } },
    ],
    [
      "ratio-on-value",
      () => check({ entity: "DM", kpi: "SERVICES_ON_DUBAI_NOW", value: "7", numerator: "7" }),
      { code: "ratio-on-value", field: "value", params: { kpi: "SERVICES_ON_DUBAI_NOW" } },
    ],
    [
      "ratio-on-value",
      () =>
        check({ entity: "DM", kpi: "SERVICES_ON_DUBAI_NOW", numerator: "7", denominator: "10" }),
      { code: "ratio-on-value", field: "value", params: { kpi: "SERVICES_ON_DUBAI_NOW" } },
    ],
    [
      "comment-too-long",
      () => ratio("1", "2", { comment: "x".repeat(MAX_COMMENT_LENGTH + 1) }),
      { code: "comment-too-long", field: "comment", params: { max: MAX_COMMENT_LENGTH } },
    ],
    [
      "control-characters",
      () => ratio("1", "2", { comment: "refuses a NUL byte in a comment\u0000" }),
      { code: "control-characters", field: "comment", params: {} },
    ],
    [
      "early-period",
      () => ratio("1", "2", { period: "1979-12" }),
      { code: "early-period", field: "period", params: { period: "1979-12", earliest: "1980-01" } },
    ],
  ];

  it("has a case below for every code in PROBLEM_CODES", () => {
    expect([...new Set(cases.map(([code]) => code))].sort()).toEqual([...PROBLEM_CODES].sort());
  });

  it.each(cases)("produces %s alone from a minimal input", (_code, run, expected) => {
    expect(problemsOf(run())).toEqual([expected]);
  });

  it.each(cases)("describes %s in plain English", (_code, run) => {
    const [p] = problemsOf(run());
    expect(describeProblem(p)).not.toMatch(/undefined/);
  });
});

describe("checkFigure: details of each rule", () => {
  it("refuses a one-digit month as a bad period", () => {
    expect(problemsOf(ratio("1", "2", { period: "2018-1" }))).toEqual([
      { code: "bad-period", field: "period", params: { period: "2018-1" } },
    ]);
  });

  it.each(["2018-00", "18-12", "2018/12", "2018-12-01", ""])("refuses the period %j", (period) => {
    expect(problemsOf(ratio("1", "2", { period })).map((p) => p.code)).toEqual(["bad-period"]);
  });

  it("reports an unknown entity and an unknown KPI together", () => {
    expect(
      problemsOf(check({ entity: "ACME", kpi: "NOPE", value: "1" })).map((p) => p.code),
    ).toEqual(["unknown-entity", "unknown-kpi"]);
  });

  it("refuses 1e5 as not a number", () => {
    expect(problemsOf(value("SERVICES_ON_DUBAI_NOW", "1e5"))).toEqual([
      { code: "not-a-number", field: "value", params: { text: "1e5" } },
    ]);
  });

  it("refuses a percent value of -1 as out of range", () => {
    expect(problemsOf(value("HAPPINESS", "-1"))).toEqual([
      { code: "percent-out-of-range", field: "value", params: { value: -1 } },
    ]);
  });

  it("accepts percent values 0 and 100", () => {
    expect(valueOf(value("HAPPINESS", "0"))).toBe(0);
    expect(valueOf(value("HAPPINESS", "100"))).toBe(100);
  });

  it("refuses negative days", () => {
    expect(problemsOf(value("REQUEST_DAYS", "-2")).map((p) => p.code)).toEqual(["negative"]);
  });

  it("refuses a negative numerator", () => {
    expect(problemsOf(ratio("-1", "10"))).toEqual([
      { code: "negative", field: "numerator", params: { value: -1 } },
    ]);
  });

  it("refuses a zero denominator even when the numerator is positive", () => {
    expect(problemsOf(ratio("5", "0"))).toEqual([
      { code: "zero-denominator", field: "denominator", params: {} },
    ]);
  });

  it("reports a missing denominator on a ratio KPI", () => {
    expect(problemsOf(ratio("5", ""))).toEqual([
      { code: "missing-value", field: "denominator", params: {} },
    ]);
  });

  it("reports a missing yes-no value", () => {
    expect(problemsOf(value("GIN_CONNECTED", "  "))).toEqual([
      { code: "missing-value", field: "value", params: {} },
    ]);
  });

  it("reports a non-numeric numerator on its own field", () => {
    expect(problemsOf(ratio("lots", "10"))).toEqual([
      { code: "not-a-number", field: "numerator", params: { text: "lots" } },
    ]);
  });

  it("treats a comment of spaces as no comment", () => {
    const result = ratio("1", "2", { comment: "   " });
    expect(result.ok && result.figure.comment).toBeNull();
  });

  it("describes problems as the CSV import reports them", () => {
    expect(problemsOf(ratio("1001", "1000")).map(describeProblem)).toEqual([
      "numerator 1001 is greater than denominator 1000",
    ]);
    expect(problemsOf(value("GIN_CONNECTED", "maybe")).map(describeProblem)).toEqual([
      '"maybe" is not yes or no (use 1/0, yes/no, true/false or نعم/لا)',
    ]);
    expect(problemsOf(ratio("1", "2", { period: "2026-12" })).map(describeProblem)).toEqual([
      "period 2026-12 is in the future (the current month is 2026-11)",
    ]);
  });
});
