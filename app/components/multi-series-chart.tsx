import { lazy } from "react";
import type { Unit } from "../definitions/schema";
import { useT } from "../i18n/use-t";
import { useFormat } from "./format";
import { ChartBox, ChartDataDetails } from "./trend-chart";

// recharts lives in its own chunk, fetched once the page has hydrated (chart-drawing.tsx).
const MultiSeriesDrawing = lazy(() =>
  import("./chart-drawing").then((m) => ({ default: m.MultiSeriesDrawing })),
);

export interface SeriesLine {
  key: string;
  label: string;
  values: Array<number | null>;
  /** Lines with a part are drawn in their own colour, thicker: the city, the entity asked for, the best and the worst. */
  role?: "city" | "selected" | "best" | "worst" | null;
}

/** Several entities' lines for one KPI against its target trajectory. */
export function MultiSeriesChart({
  title,
  unit,
  periods,
  lines,
  target,
  height = 320,
}: {
  title: string;
  unit: Unit;
  periods: string[];
  lines: SeriesLine[];
  target: Array<number | null>;
  height?: number;
}) {
  const f = useFormat();
  const t = useT();

  // Line keys come from callers (entity codes); the chart's own keys never clash with them.
  const rows = periods.map((period, i) => {
    const row: Record<string, string | number | null> = { period, target: target[i] ?? null };
    lines.forEach((line, l) => {
      row[`line${l}`] = line.values[i] ?? null;
    });
    return row;
  });

  const summary =
    periods.length === 0
      ? t("chart.summaryNoData", { title })
      : t("chart.multi.summary", {
          title,
          count: lines.length,
          from: f.period(periods[0]),
          to: f.period(periods[periods.length - 1]),
        });

  return (
    <div className="chart">
      <ChartBox label={summary} height={height}>
        {(width, fixed) => (
          <MultiSeriesDrawing rows={rows} width={width} fixed={fixed} height={height} unit={unit} lines={lines} />
        )}
      </ChartBox>
      <ChartDataDetails>
        <table className="data-table chart-table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t("chart.col.month")}</th>
              {lines.map((line) => (
                <th scope="col" key={line.key}>
                  {line.label}
                </th>
              ))}
              <th scope="col">{t("chart.series.target")}</th>
            </tr>
          </thead>
          <tbody>
            {periods.map((period, i) => (
              <tr key={period}>
                <th scope="row">{f.period(period)}</th>
                {lines.map((line) => (
                  <td key={line.key}>{f.value(unit, line.values[i] ?? null)}</td>
                ))}
                <td>{f.value(unit, target[i] ?? null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ChartDataDetails>
    </div>
  );
}
