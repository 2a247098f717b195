import { describe, expect, it } from "vitest";
import { computeReport } from "./engine";
import { missedDue } from "./missed";
import type { EngineKpi } from "./types";

const kpi = (targets: EngineKpi["targets"]): EngineKpi => ({
  code: "ADOPTION",
  unit: "percent",
  direction: "increase",
  measure: "value",
  aggregation: "mean",
  weight: 1,
  atRiskBand: 0.9,
  reporters: ["CDA"],
  targets,
  links: { policies: [], initiatives: [], pillars: [], dimensions: [] },
});
const final80: EngineKpi["targets"] = [{ value: 80, due: "2018-12", entities: null, scope: null, from: null }];
const rowOf = (period: string, value: number, targets = final80) =>
  computeReport({
    period,
    entities: ["CDA"],
    kpis: [kpi(targets)],
    figures: [{ entity: "CDA", kpi: "ADOPTION", period, value, numerator: null, denominator: null }],
  }).rows.find((r) => r.entity === "CDA")!;

describe("a final target missed", () => {
  it("is missed in its due month and after, below the target, whatever the band", () => {
    // 74 ÷ 80 = 92.5%: at risk by the engine; 60 ÷ 80 = 75%: off track.
    expect(rowOf("2018-12", 74).status).toBe("at-risk");
    expect(missedDue(rowOf("2018-12", 74))).toBe("2018-12");
    expect(missedDue(rowOf("2018-12", 60))).toBe("2018-12");
    expect(missedDue(rowOf("2019-06", 60))).toBe("2018-12");
  });

  it("is not missed when the target is reached, still ahead, or only a trajectory", () => {
    expect(missedDue(rowOf("2018-12", 80))).toBeNull();
    // Before its due month the target is pending (no `from`): not yet missed.
    expect(rowOf("2018-06", 60).targetKind).toBe("pending");
    expect(missedDue(rowOf("2018-06", 60))).toBeNull();
    // An interim target on a trajectory: off track, not missed.
    const trajectory = [{ value: 80, due: "2018-12", entities: null, scope: null, from: { period: "2018-01", value: 50 } }];
    const interim = rowOf("2018-06", 40, trajectory);
    expect(interim.targetKind).toBe("interim");
    expect(interim.status).toBe("off-track");
    expect(missedDue(interim)).toBeNull();
  });
});
