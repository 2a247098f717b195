// The recharts half of the charts, loaded on its own (React.lazy in ChartBox's callers) once a
// page with a chart has hydrated: recharts is most of the JavaScript a page would otherwise ship,
// draws nothing on the server anyway (recharts#5997), and pages without charts never load it.
import type { ReactNode } from "react";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { Unit } from "../definitions/schema";
import { useT } from "../i18n/use-t";
import { useFormat } from "./format";
import type { SeriesLine } from "./multi-series-chart";
import { CHART_COLOURS, useMonthShort } from "./trend-chart";

/**
 * Okabe–Ito without black, which the target takes. Seven colours against five dash patterns
 * (coprime), so the first 35 lines each differ in colour and dash together, and no two
 * neighbours are told apart by colour alone.
 */
const LINE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];
const LINE_DASHES = ["", "6 3", "2 3", "8 3 2 3", "12 4"];

export function lineStyle(index: number) {
  return {
    stroke: LINE_COLOURS[index % LINE_COLOURS.length],
    strokeDasharray: LINE_DASHES[index % LINE_DASHES.length] || undefined,
  };
}

/**
 * The lines that have a part on a KPI's chart, each in a colour of its own (and a pattern, so
 * colour is never alone): the city dark blue, the entity asked for orange, the best green, the
 * worst vermilion. Other entities' lines, shown on request, are thinner and take the palette.
 */
const ROLE_STYLE: Record<NonNullable<SeriesLine["role"]>, { stroke: string; strokeDasharray?: string; strokeWidth: number }> = {
  city: { stroke: "#0072B2", strokeWidth: 3 },
  selected: { stroke: "#E69F00", strokeWidth: 2.5 },
  best: { stroke: "#009E73", strokeWidth: 2, strokeDasharray: "6 3" },
  worst: { stroke: "#D55E00", strokeWidth: 2, strokeDasharray: "2 3" },
};

/**
 * A line chart of months: the grid, the month axis, the value axis, tooltip and legend that
 * every chart here shares. Right to left in Arabic by the axes themselves (the month axis
 * reversed, the value axis on the right), never by mirroring the drawing.
 *
 * On screen it follows its box (ResponsiveContainer); in print (`fixed`) it is drawn at exactly
 * `width`, which the print stylesheet gives its box: the box is not measured again while a
 * browser lays out the printed page.
 */
export function MonthLineChart({
  rows,
  width = 640,
  fixed = false,
  height,
  unit,
  children,
}: {
  rows: object[];
  /** The box's width when known, so the chart is laid out at its size at once, not at a guess. */
  width?: number;
  /** Drawn at `width` itself, not following the box (print). */
  fixed?: boolean;
  height: number;
  unit: Unit;
  children: ReactNode;
}) {
  const f = useFormat();
  const monthShort = useMonthShort();
  const rtl = f.locale === "ar";
  const valueOf = (v: unknown) => f.value(unit, typeof v === "number" ? v : null);
  const parts = (
    <>
      <CartesianGrid stroke={CHART_COLOURS.grid} vertical={false} />
      <XAxis dataKey="period" tickFormatter={(p: string) => monthShort(p)} reversed={rtl} />
      <YAxis orientation={rtl ? "right" : "left"} tickFormatter={valueOf} width="auto" />
      <Tooltip
        labelFormatter={(p) => f.period(String(p))}
        formatter={valueOf}
        contentStyle={{ direction: rtl ? "rtl" : "ltr", textAlign: "start" }}
      />
      <Legend iconType="plainline" itemSorter={null} wrapperStyle={{ direction: rtl ? "rtl" : "ltr" }} />
      {children}
    </>
  );
  const chart = { data: rows, accessibilityLayer: false, margin: { top: 8, right: 16, bottom: 0, left: 16 } };
  if (fixed) {
    return (
      <LineChart {...chart} width={width} height={height}>
        {parts}
      </LineChart>
    );
  }
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width, height }}>
      <LineChart {...chart}>{parts}</LineChart>
    </ResponsiveContainer>
  );
}

/** A KPI's actuals, its target and, when there is one, its forecast. */
export function TrendDrawing({
  rows,
  width,
  fixed,
  height,
  unit,
  hasForecast,
}: {
  rows: object[];
  width?: number;
  fixed?: boolean;
  height: number;
  unit: Unit;
  hasForecast: boolean;
}) {
  const t = useT();
  return (
    <MonthLineChart rows={rows} width={width} fixed={fixed} height={height} unit={unit}>
      <Line
        isAnimationActive={false}
        dataKey="actual"
        name={t("chart.series.actual")}
        stroke={CHART_COLOURS.actual}
        strokeWidth={2.5}
        dot={{ r: 3 }}
      />
      <Line
        isAnimationActive={false}
        dataKey="target"
        name={t("chart.series.target")}
        type="stepAfter"
        stroke={CHART_COLOURS.target}
        strokeWidth={2}
        strokeDasharray="8 4"
        dot={false}
      />
      {hasForecast && (
        <Line
          isAnimationActive={false}
          dataKey="forecast"
          name={t("chart.series.forecast")}
          stroke={CHART_COLOURS.forecast}
          strokeWidth={2.5}
          strokeDasharray="1 5"
          strokeLinecap="round"
          dot={false}
        />
      )}
    </MonthLineChart>
  );
}

/** Several entities' lines (keyed `line0`, `line1`… in `rows`) against the target. */
export function MultiSeriesDrawing({
  rows,
  width,
  fixed,
  height,
  unit,
  lines,
}: {
  rows: object[];
  width?: number;
  fixed?: boolean;
  height: number;
  unit: Unit;
  lines: Array<Pick<SeriesLine, "key" | "label" | "role">>;
}) {
  const t = useT();
  // The palette skips the colours the lines with a part take, so no other line is mistaken for them.
  let other = 0;
  return (
    <MonthLineChart rows={rows} width={width} fixed={fixed} height={height} unit={unit}>
      {lines.map((line, l) => (
        <Line
          isAnimationActive={false}
          key={line.key}
          dataKey={`line${l}`}
          name={line.label}
          {...(line.role ? ROLE_STYLE[line.role] : { ...lineStyle(4 + other++), strokeWidth: 1.25 })}
          dot={false}
        />
      ))}
      <Line
        isAnimationActive={false}
        dataKey="target"
        name={t("chart.series.target")}
        stroke="#000000"
        strokeWidth={3.5}
        strokeDasharray="10 5"
        dot={false}
      />
    </MonthLineChart>
  );
}
