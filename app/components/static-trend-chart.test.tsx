import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { WithIntl } from "../../tests/helpers/intl";
import { periodRange } from "~/figures/month";
import { niceTicks, StaticTrendChart } from "./static-trend-chart";

const periods = periodRange("2014-01", "2018-12");
const series = periods.map((period, i) => ({ period, actual: 62 + i * 0.47, target: i < 30 ? 80 : 80 + (i - 30) * 0.17 }));

/** Each text's x, anchor and words, in the drawing's units (0 to 1000 across). */
function texts(markup: string) {
  return [...markup.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="(\w+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    anchor: m[2],
    text: m[3],
  }));
}

/** The drawing's own estimate of a label's width is generous: a label must fit in it, whole. */
const WIDTH_OF = (text: string) => text.length * 13 * 0.62;

function draw(locale: "en" | "ar") {
  return renderToStaticMarkup(
    <WithIntl locale={locale}>
      <StaticTrendChart label="Adoption, city-wide" unit="percent" series={series} forecast={[{ period: "2018-12", value: 89 }]} />
    </WithIntl>,
  );
}

describe("the chart drawn on the server (the briefing book's)", () => {
  it("has round values on its axis, evenly apart, covering the figures", () => {
    expect(niceTicks(62, 89.7)).toEqual([60, 70, 80, 90]);
    expect(niceTicks(0.3, 2.9)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1200, 98_000)).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000]);
    // One value: a band around it, not a line at the edge.
    const flat = niceTicks(5, 5);
    expect(flat[0]).toBeLessThan(5);
    expect(flat.at(-1)).toBeGreaterThan(5);
  });

  for (const locale of ["en", "ar"] as const) {
    it(`keeps every label inside the drawing, none cut at an edge (${locale})`, () => {
      const labels = texts(draw(locale));
      expect(labels.length).toBeGreaterThan(8);
      for (const { x, anchor, text } of labels) {
        const width = WIDTH_OF(text);
        const [from, to] = anchor === "middle" ? [x - width / 2, x + width / 2] : anchor === "end" ? [x - width, x] : [x, x + width];
        expect({ text, from: from >= 0, to: to <= 1000 }).toEqual({ text, from: true, to: true });
      }
    });
  }

  it("runs time right to left in Arabic, with the values on the right", () => {
    const en = texts(draw("en"));
    const ar = texts(draw("ar"));
    const months = (labels: typeof en) => labels.filter((l) => l.anchor === "middle");
    const values = (labels: typeof en) => labels.filter((l) => l.anchor !== "middle");
    // The last month (the month of the book) is labelled, at the end of time's direction.
    expect(months(en).at(-1)!.x).toBeGreaterThan(months(en)[0].x);
    expect(months(ar).at(-1)!.x).toBeLessThan(months(ar)[0].x);
    expect(Math.max(...values(en).map((l) => l.x))).toBeLessThan(200);
    expect(Math.min(...values(ar).map((l) => l.x))).toBeGreaterThan(800);
  });

  it("says so when there is nothing to draw", () => {
    const markup = renderToStaticMarkup(
      <WithIntl locale="en">
        <StaticTrendChart label="Adoption" unit="percent" series={[]} />
      </WithIntl>,
    );
    expect(markup).toContain("Adoption: no figures yet.");
  });
});
