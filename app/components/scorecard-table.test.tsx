// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { computeReport } from "../compliance/engine";
import { explainRow } from "../compliance/explain";
import type { EngineKpi } from "../compliance/types";
import { formatterFor, intlFor } from "../i18n/format";
import type { Locale } from "../i18n/locale";
import { WithIntl } from "../../tests/helpers/intl";
import { ScorecardTable } from "./scorecard-table";

const kpi: EngineKpi = {
  code: "ADOPTION",
  unit: "percent",
  direction: "increase",
  measure: "ratio",
  aggregation: "ratio-of-sums",
  weight: 1,
  atRiskBand: 0.9,
  reporters: ["DM"],
  targets: [{ value: 80, due: "2018-12", entities: null, scope: null, from: null }],
  links: { policies: [], initiatives: [], pillars: [], dimensions: [] },
};
// DM at 72% in December 2018 and 70% in November: 72 ÷ 80 = 90%, exactly the at-risk band.
const report = computeReport({
  period: "2018-12",
  entities: ["DM"],
  kpis: [kpi],
  figures: [
    { entity: "DM", kpi: "ADOPTION", period: "2018-11", value: 70, numerator: 700, denominator: 1000 },
    { entity: "DM", kpi: "ADOPTION", period: "2018-12", value: 72, numerator: 720, denominator: 1000 },
  ],
});
const row = report.rows.find((r) => r.entity === "DM")!;
// Marks and isolates (bidi.ts) are invisible; the words are compared without them.
const plain = (s: string | null) => (s ?? "").replace(/[\u200e\u200f\u061c\u2066-\u2069]/g, "");

function renderTable(locale: Locale) {
  const f = formatterFor(intlFor(locale));
  const Stub = createRemixStub([
    {
      path: "/",
      Component: () => (
        <ScorecardTable
          caption="Scorecard"
          months={["2018-11", "2018-12"]}
          lines={[
            {
              key: "ADOPTION",
              label: locale === "ar" ? "نسبة المعاملات الذكية" : "Smart transactions",
              href: "/kpis/ADOPTION",
              unit: "percent",
              row,
              sparkline: [70, 72],
              explanation: explainRow(row, { unit: "percent", period: "2018-12", f }),
            },
          ]}
        />
      ),
    },
  ]);
  return render(
    <WithIntl locale={locale}>
      <Stub />
    </WithIntl>,
  );
}

describe("the scorecard table", () => {
  it("shows the engine's numbers for a row in English", async () => {
    renderTable("en");
    const tr = (await screen.findByRole("link", { name: "Smart transactions" })).closest("tr")!;
    const cells = within(tr).getAllByRole("cell").map((c) => plain(c.textContent));
    expect(cells[0]).toBe("72%");
    expect(cells[1]).toBe("80% (final)");
    expect(cells[2]).toBe("90%");
    // The final target fell due this month and DM is below it: people read "Missed", the engine
    // (and the cell's data-status) still says at-risk.
    expect(cells[3]).toBe("✖Missed (due December 2018)");
    expect(within(tr).getAllByRole("cell")[3]).toHaveAttribute("data-status", "at-risk");
    // +2 points on November.
    expect(cells[5]).toBe("+2 pts");
    expect(within(tr).getByText("Why?")).toBeInTheDocument();
    expect(plain(within(tr).getByText(/against the target of 80%/).textContent)).toBe(
      "72% in December 2018 against the target of 80% due December 2018: 90% of the target, so at risk (at least 90% of the target). Figure: 720 ÷ 1,000.",
    );
  });

  it("shows the same row in Arabic", async () => {
    renderTable("ar");
    const tr = (await screen.findByRole("link", { name: "نسبة المعاملات الذكية" })).closest("tr")!;
    const cells = within(tr).getAllByRole("cell").map((c) => plain(c.textContent));
    expect(cells[0]).toBe("72%");
    expect(cells[1]).toBe("80% (نهائي)");
    expect(cells[3]).toBe("✖لم يتحقق (موعده ديسمبر 2018)");
    expect(cells[5]).toBe("+2 نقطة");
    expect(screen.getByRole("columnheader", { name: "نسبة التحقيق" })).toBeInTheDocument();
    expect(within(tr).getByText("لماذا؟")).toBeInTheDocument();
  });
});
