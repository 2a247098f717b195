import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { entryChecks, entryShape, problemsOf } from "./entry-form";

const kpis = [
  { code: "SMART_ADOPTION", unit: "percent" as const, measure: "ratio" as const },
  { code: "OPEN_DATASETS", unit: "count" as const, measure: "value" as const },
];
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};
const check = (fields: Record<string, string>) =>
  parseWithZod(form(fields), { schema: entryChecks({ entity: "RTA", period: "2026-11", kpis }), formatError: problemsOf, disableAutoCoercion: true });

describe("the entry form's schema", () => {
  it("reads the form's fields per KPI, a figure not yet saved with an empty version", () => {
    const parsed = entryShape.parse({ intent: "submit", version: { SMART_ADOPTION: "", OPEN_DATASETS: "3" }, value: { OPEN_DATASETS: "12" } });
    expect(parsed).toEqual({ intent: "submit", version: { SMART_ADOPTION: "", OPEN_DATASETS: "3" }, value: { OPEN_DATASETS: "12" }, numerator: {}, denominator: {}, comment: {} });
  });

  it("refuses what no form sends: an unknown intent, a lower-case code, a field of 2,000 characters", () => {
    expect(entryShape.safeParse({ intent: "delete" }).success).toBe(false);
    expect(entryShape.safeParse({ version: { "smart adoption": "" } }).success).toBe(false);
    expect(entryShape.safeParse({ value: { OPEN_DATASETS: "9".repeat(2_000) } }).success).toBe(false);
  });

  it("gives the browser the server's problems, on the field they belong to", () => {
    const result = check({ "version.SMART_ADOPTION": "", "numerator.SMART_ADOPTION": "120", "denominator.SMART_ADOPTION": "100", "version.OPEN_DATASETS": "", "value.OPEN_DATASETS": "abc" });
    expect(result.status).toBe("error");
    const errors = result.reply().error!;
    expect(errors["numerator.SMART_ADOPTION"]).toEqual([{ code: "numerator-above-denominator", field: "numerator", params: { numerator: 120, denominator: 100 } }]);
    expect(errors["value.OPEN_DATASETS"]).toEqual([{ code: "not-a-number", field: "value", params: { text: "abc" } }]);
  });

  it("forgives thousands separators and leaves untouched KPIs alone", () => {
    const result = check({ "version.SMART_ADOPTION": "", "numerator.SMART_ADOPTION": "1,150,000", "denominator.SMART_ADOPTION": "١٬٢٠٠٬٠٠٠", "version.OPEN_DATASETS": "" });
    expect(result.status).toBe("success");
  });
});
