import { describe, expect, it } from "vitest";
import { formatterFor, intlFor } from "../i18n/format";
import { computeReport } from "./engine";
import { misplacedNumbers } from "../i18n/bidi";
import { explainRow } from "./explain";
import type { EngineKpi } from "./types";

const adoption: EngineKpi = {
  code: "ADOPTION",
  unit: "percent",
  direction: "increase",
  measure: "ratio",
  aggregation: "ratio-of-sums",
  weight: 1,
  atRiskBand: 0.9,
  reporters: ["AAA", "BBB", "CCC"],
  targets: [
    { value: 80, due: "2018-12", entities: null, scope: null, from: { period: "2016-06", value: 60 } },
    { value: 90, due: "2016-06", entities: ["AAA"], scope: null, from: null },
  ],
  links: { policies: [], initiatives: [], pillars: [], dimensions: [] },
};
const days: EngineKpi = {
  ...adoption,
  code: "DAYS",
  unit: "days",
  direction: "decrease",
  measure: "value",
  aggregation: "mean",
  reporters: ["AAA"],
  targets: [{ value: 5, due: "2018-12", entities: null, scope: null, from: null }],
};

const report = computeReport({
  period: "2017-06",
  entities: ["AAA", "BBB", "CCC"],
  kpis: [adoption, days],
  figures: [
    { entity: "AAA", kpi: "ADOPTION", period: "2017-06", value: 93, numerator: 930, denominator: 1000 },
    { entity: "BBB", kpi: "ADOPTION", period: "2017-06", value: 50, numerator: 500, denominator: 1000 },
    { entity: "AAA", kpi: "DAYS", period: "2017-06", value: 6, numerator: null, denominator: null },
  ],
});
const row = (kpi: string, entity: string | null) => report.rows.find((r) => r.kpi === kpi && r.entity === entity)!;
// Arabic numbers carry invisible marks and isolates (bidi.ts); the reader does not see them, and
// the words are compared without them. misplacedNumbers checks them where they are.
const plain = (s: string) => s.replace(/[\u200e\u200f\u061c\u2066-\u2069]/g, "");
const sentence = (kpi: string, entity: string | null, locale: "en" | "ar") =>
  explainRow(row(kpi, entity), { unit: kpi === "DAYS" ? "days" : "percent", period: "2017-06", f: formatterFor(intlFor(locale)) });
const explain = (kpi: string, entity: string | null, locale: "en" | "ar") => plain(sentence(kpi, entity, locale));

describe("explaining a row in one sentence", () => {
  it("says why an interim row is off track, with the trajectory it is measured on", () => {
    // Interim: 60 + 20 × 12 ÷ 30 = 68; 50 ÷ 68 = 73.5%.
    expect(explain("ADOPTION", "BBB", "en")).toBe(
      "50% in June 2017 against the interim target of 68%, on the path from 60% in June 2016 to 80% by December 2018: 73.5% of the target, so off track (below 90% of the target). Figure: 500 ÷ 1,000.",
    );
    expect(explain("ADOPTION", "BBB", "ar")).toBe(
      "50% في يونيو 2017 مقابل المستهدف المرحلي البالغ 68% على المسار من 60% في يونيو 2016 إلى 80% بحلول ديسمبر 2018: 73.5% من المستهدف، لذا فالحالة خارج المسار (أقل من 90% من المستهدف). الرقم: 500 ÷ 1,000.",
    );
    // Each of the sentence's ten numbers keeps its percent sign inside its own isolate.
    expect(misplacedNumbers(sentence("ADOPTION", "BBB", "ar"))).toEqual([]);
    expect(sentence("ADOPTION", "BBB", "ar")).toMatch(/^\u206850\u200e%\u200e\u2069 في \u2068يونيو 2017\u2069 /);
  });

  it("names an entity's own target", () => {
    expect(explain("ADOPTION", "AAA", "en")).toBe(
      "93% in June 2017 against the target of 90% due June 2016, set for this entity: 103.3% of the target, so met. Figure: 930 ÷ 1,000.",
    );
  });

  it("says a missing figure counts against compliance", () => {
    expect(explain("ADOPTION", "CCC", "en")).toBe(
      "No approved figure for June 2017, while a target of 68% (interim) is in force, so this counts as not compliant.",
    );
    expect(explain("ADOPTION", "CCC", "ar")).toBe(
      "لا يوجد رقم معتمد لشهر يونيو 2017. يسري مستهدف (مرحلي) قدره 68%، لذا يُحتسب هذا الصف غير ممتثل.",
    );
  });

  it("shows the city's ratio of sums and how many entities reported", () => {
    // (930 + 500) ÷ 2000 = 71.5%; 71.5 ÷ 68 = 105.1%.
    expect(explain("ADOPTION", null, "en")).toBe(
      "71.5% in June 2017 against the interim target of 68%, on the path from 60% in June 2016 to 80% by December 2018: 105.1% of the target, so on track. City-wide: 1,430 ÷ 2,000 from 2 of 3 reporting entities.",
    );
  });

  it("says when lower is better", () => {
    // 5 ÷ 6 = 83.3%, below the 90% band.
    expect(explain("DAYS", "AAA", "en")).toBe(
      "6 days in June 2017 against the target of 5 days due December 2018, not yet due: 83.3% of the target, so off track (below 90% of the target). Lower is better.",
    );
  });
});
