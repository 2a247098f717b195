import type { Unit } from "../definitions/schema";
import { useFormat } from "./format";
import { CHART_COLOURS, type ForecastPoint, type TrendPoint } from "./chart-parts";

/** The drawing's own units; the SVG scales to its box, so these only set the proportions. */
const WIDTH = 1000;
const FONT = 13;
/** A label's width in drawing units, from its length: generous, so no axis label is ever cut. */
const textWidth = (text: string) => text.length * FONT * 0.62;

/** Five or so round values spanning [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 0.999; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

/**
 * A KPI's monthly actuals against its target, with the forecast, drawn as plain SVG: in the server's
 * HTML, so a printed document (the briefing book) has its chart without JavaScript, unlike
 * TrendChart, whose recharts drawing arrives only after hydration. Right to left in Arabic by the
 * axes (the latest month on the left, the values on the right), as TrendChart's; the legend is
 * HTML, so its words follow the page's direction.
 */
export function StaticTrendChart({
  label,
  unit,
  series,
  forecast = [],
  height = 300,
  width = WIDTH,
  emptyText,
}: {
  /** The chart's accessible name: what it shows, in a sentence. */
  label: string;
  unit: Unit;
  series: TrendPoint[];
  forecast?: ForecastPoint[];
  height?: number;
  /**
   * The drawing's width in its own units. Text is 13 units, so a drawing meant for a phone's
   * column (about 400 px) is made narrower, with fewer month labels, not scaled down.
   */
  width?: number;
  /** What to say when there is nothing to draw. */
  emptyText?: string;
}) {
  const f = useFormat();
  const { t } = f;
  const rtl = f.locale === "ar";
  const periods = [...new Set([...series.map((p) => p.period), ...forecast.map((p) => p.period)])].sort();
  const values = [
    ...series.flatMap((p) => [p.actual, p.target]),
    ...forecast.map((p) => p.value),
  ].filter((v): v is number => v !== null);
  if (periods.length === 0 || values.length === 0) {
    return <p className="muted">{emptyText ?? t("chart.summaryNoData", { title: label })}</p>;
  }

  const ticks = niceTicks(Math.min(...values), Math.max(...values));
  const low = ticks[0];
  const high = ticks[ticks.length - 1];
  const tickLabels = ticks.map((v) => f.value(unit, v));
  const axisWidth = Math.max(...tickLabels.map(textWidth)) + 10;
  // The months' labels are centred on their month: the first and the last need half a label's
  // room beyond the plot, or the edge of the drawing would cut them.
  const monthLabels = periods.map((p) => f.monthShort(p));
  const widest = Math.max(...monthLabels.map(textWidth)) + 16;
  const half = widest / 2;
  const top = 10;
  const bottom = height - FONT * 2 - 4;
  const left = rtl ? half : Math.max(axisWidth, half);
  const right = rtl ? width - Math.max(axisWidth, half) : width - half;

  const last = periods.length - 1;
  const x = (i: number) => {
    const along = last === 0 ? 0.5 : i / last;
    return Math.round((rtl ? right - along * (right - left) : left + along * (right - left)) * 10) / 10;
  };
  const y = (v: number) => Math.round((bottom - ((v - low) / (high - low || 1)) * (bottom - top)) * 10) / 10;
  const indexOf = new Map(periods.map((p, i) => [p, i]));

  // Month labels far enough apart to read: every month, or every 2, 3, 6, 12... months.
  const step = [1, 2, 3, 4, 6, 12, 24, 60, 120].find((s) => ((right - left) / Math.max(1, last)) * s >= widest) ?? 120;
  // Counted back from the last month, so the month the chart is about always has its label.
  const labelled = periods.map((_, i) => (last - i) % step === 0);

  const path = (points: Array<[number, number | null]>) => {
    let d = "";
    let pen = false;
    for (const [i, v] of points) {
      if (v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${x(i)} ${y(v)} `;
      pen = true;
    }
    return d.trim();
  };
  const stepPath = (points: Array<[number, number | null]>) => {
    // The target holds until it changes: a step after each month.
    let d = "";
    let previous: number | null = null;
    for (const [i, v] of points) {
      if (v === null) {
        previous = null;
        continue;
      }
      d += previous === null ? `M${x(i)} ${y(v)} ` : `L${x(i)} ${y(previous)} L${x(i)} ${y(v)} `;
      previous = v;
    }
    return d.trim();
  };
  const actual = series.map((p): [number, number | null] => [indexOf.get(p.period)!, p.actual]);
  const target = series.map((p): [number, number | null] => [indexOf.get(p.period)!, p.target]);
  const lastActual = [...series].reverse().find((p) => p.actual !== null);
  const forecastPoints: Array<[number, number | null]> = [
    ...(forecast.length > 0 && lastActual ? [[indexOf.get(lastActual.period)!, lastActual.actual] as [number, number | null]] : []),
    ...forecast.map((p): [number, number | null] => [indexOf.get(p.period)!, p.value]),
  ];

  return (
    <figure className="static-chart">
      <svg
        role="img"
        aria-label={label}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        preserveAspectRatio="xMidYMid meet"
        fontSize={FONT}
        direction="ltr"
      >
        {ticks.map((v, i) => (
          <g key={v}>
            <line x1={left} x2={right} y1={y(v)} y2={y(v)} stroke={CHART_COLOURS.grid} strokeWidth={1} />
            <text
              x={rtl ? right + 8 : left - 8}
              y={y(v)}
              dominantBaseline="middle"
              textAnchor={rtl ? "start" : "end"}
              fill="#4f5b6b"
            >
              {tickLabels[i]}
            </text>
          </g>
        ))}
        <line x1={left} x2={right} y1={bottom} y2={bottom} stroke="#8a94a3" strokeWidth={1} />
        {periods.map((p, i) =>
          labelled[i] ? (
            <g key={p}>
              <line x1={x(i)} x2={x(i)} y1={bottom} y2={bottom + 4} stroke="#8a94a3" strokeWidth={1} />
              <text x={x(i)} y={bottom + 6 + FONT} textAnchor="middle" fill="#4f5b6b" direction={rtl ? "rtl" : "ltr"}>
                {monthLabels[i]}
              </text>
            </g>
          ) : null,
        )}
        <path d={stepPath(target)} fill="none" stroke={CHART_COLOURS.target} strokeWidth={2} strokeDasharray="8 4" />
        <path d={path(actual)} fill="none" stroke={CHART_COLOURS.actual} strokeWidth={2.5} strokeLinejoin="round" />
        {actual.length <= 36
          ? actual.map(([i, v]) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={3} fill={CHART_COLOURS.actual} />))
          : null}
        {forecastPoints.length > 1 ? (
          <path
            d={path(forecastPoints)}
            fill="none"
            stroke={CHART_COLOURS.forecast}
            strokeWidth={2.5}
            strokeDasharray="1 5"
            strokeLinecap="round"
          />
        ) : null}
        {lastActual && lastActual.actual !== null ? (
          <circle cx={x(indexOf.get(lastActual.period)!)} cy={y(lastActual.actual)} r={4.5} fill={CHART_COLOURS.actual} />
        ) : null}
      </svg>
      <figcaption className="static-chart-legend">
        <LegendKey colour={CHART_COLOURS.actual} label={t("chart.series.actual")} />
        <LegendKey colour={CHART_COLOURS.target} dash="8 4" label={t("chart.series.target")} />
        {forecast.length > 0 ? <LegendKey colour={CHART_COLOURS.forecast} dash="1 5" label={t("chart.series.forecast")} /> : null}
      </figcaption>
    </figure>
  );
}

function LegendKey({ colour, dash, label }: { colour: string; dash?: string; label: string }) {
  return (
    <span className="static-chart-key">
      <svg width="28" height="10" aria-hidden="true">
        <line x1="2" x2="26" y1="5" y2="5" stroke={colour} strokeWidth={2.5} strokeDasharray={dash} strokeLinecap="round" />
      </svg>{" "}
      {label}
    </span>
  );
}
