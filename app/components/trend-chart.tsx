import { lazy, Suspense, useEffect, useRef, useState, type CSSProperties, type ReactNode, type RefObject } from "react";
import type { Unit } from "../definitions/schema";
import { useT } from "../i18n/use-t";
import { useHydrated } from "./client-only";
import { useFormat } from "./format";
import type { ForecastPoint, TrendPoint } from "./chart-parts";
import { PREPARE_PRINT_EVENT, PRINT_CHART_WIDTH, usePrinting } from "./printing";
import { StaticTrendChart } from "./static-trend-chart";

// recharts lives in its own chunk, fetched once a page with a chart has hydrated and the chart
// is about to be seen (app/components/chart-drawing.tsx).
const TrendDrawing = lazy(() =>
  import("./chart-drawing").then((m) => ({ default: m.TrendDrawing })),
);

export { CHART_COLOURS, type ForecastPoint, type TrendPoint } from "./chart-parts";

/** "Dec 18" for 2018-12: the month in the middle, so no time zone can move it. */
export function useMonthShort() {
  return useFormat().monthShort;
}

/** How far outside the screen a chart starts drawing: about a flick's scroll ahead of it. */
const DRAW_AHEAD_PX = 200;

/** What a chart box draws: nothing yet, or its chart, knowing its width when it was seen. */
type Drawing = { width?: number } | null;

/**
 * Whether a chart box draws its chart. Drawing with recharts is one long task (some 400 ms on a
 * phone: it measures every tick label through the layout) and its code is 110 KB compressed, so
 * a chart in the server's page waits until its box is on or near the screen, or the page is
 * printed: below the first screen it costs nothing until someone scrolls towards it. A chart
 * that mounts after hydration (a client-side navigation) draws at once, as it always did.
 */
function useDrawing(box: RefObject<HTMLElement>, printing: boolean): Drawing {
  const hydrated = useHydrated();
  // Fixed at the first render: false while hydrating the server's page, true on a later mount.
  const [atOnce] = useState(hydrated);
  const [seen, setSeen] = useState<Drawing>(null);
  useEffect(() => {
    const element = box.current;
    if (atOnce || seen || !element) return;
    const draw = (width?: number) => setSeen({ width: width ? Math.round(width) : undefined });
    if (typeof IntersectionObserver === "undefined") {
      draw();
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries.find((e) => e.isIntersecting);
        if (entry) draw(entry.boundingClientRect.width);
      },
      { rootMargin: `${DRAW_AHEAD_PX}px 0px` },
    );
    observer.observe(element);
    // A print (and the server's PDF, which switches to print media first) shows every chart.
    const print = window.matchMedia("print");
    const drawNow = () => draw(element.clientWidth);
    print.addEventListener("change", drawNow);
    window.addEventListener("beforeprint", drawNow);
    window.addEventListener(PREPARE_PRINT_EVENT, drawNow);
    return () => {
      observer.disconnect();
      print.removeEventListener("change", drawNow);
      window.removeEventListener("beforeprint", drawNow);
      window.removeEventListener(PREPARE_PRINT_EVENT, drawNow);
    };
  }, [box, atOnce, seen]);
  if (!hydrated) return null;
  // In print every chart draws, at the print width (ChartBox), whether or not it was seen.
  return atOnce || printing ? (seen ?? {}) : seen;
}

/**
 * The chart's fixed-height box. Recharts draws nothing on the server (recharts#5997), so the
 * server and the hydrating render show a sentence instead, in a box of the chart's height so
 * nothing shifts when the chart arrives; the same sentence stays until the chart is drawn
 * (useDrawing) and while the chart's code (a lazy component, from chart-drawing.tsx) loads. The
 * chart itself is laid out left to right, because recharts places tooltips wrongly under
 * `direction: rtl`; right-to-left order comes from the axes instead.
 *
 * In print the chart is drawn again at a fixed width that fits the page (PRINT_CHART_WIDTH), not
 * the screen's: a screen's chart is wider than A4 and its box cut off its far end.
 */
export function ChartBox({
  label,
  height,
  children,
}: {
  label: string;
  height: number;
  /**
   * The drawing, given the box's width when known (recharts then lays it out once, not twice),
   * and whether that width is fixed (print) rather than a start for a responsive chart.
   */
  children: (width: number | undefined, fixed: boolean) => ReactNode;
}) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  const printing = usePrinting();
  const drawing = useDrawing(box, printing);
  const placeholder = <p className="chart-placeholder">{t("chart.placeholder")}</p>;
  // The print stylesheet sizes the box to the width the chart is drawn at in print.
  const style = { blockSize: height, "--chart-print-width": `${PRINT_CHART_WIDTH}px` } as CSSProperties;
  return (
    <div ref={box} className="chart-box" role="img" aria-label={label} style={style}>
      {drawing ? (
        <Suspense fallback={placeholder}>
          <div dir="ltr" className="chart-canvas" data-drawn-for={printing ? "print" : "screen"}>
            {printing ? children(PRINT_CHART_WIDTH, true) : children(drawing.width, false)}
          </div>
        </Suspense>
      ) : (
        placeholder
      )}
    </div>
  );
}

/**
 * The chart's figures as a table, folded away on screen but in the server HTML, so it works
 * without JavaScript, for screen readers and in print (opened for printing: printing.ts, and
 * the print stylesheet).
 */
export function ChartDataDetails({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <details className="chart-data">
      <summary>{t("chart.dataTable")}</summary>
      {/* Folded away: hydrated after the rest of the page, in slices (selective hydration). */}
      <Suspense>
        <div className="table-scroll">{children}</div>
      </Suspense>
    </details>
  );
}

interface Row {
  period: string;
  actual: number | null;
  target: number | null;
  forecast: number | null;
}

function rowsOf(series: TrendPoint[], forecast: ForecastPoint[]): Row[] {
  const bySeries = new Map(series.map((p) => [p.period, p]));
  const byForecast = new Map(forecast.map((p) => [p.period, p.value]));
  const periods = [...new Set([...bySeries.keys(), ...byForecast.keys()])].sort();
  return periods.map((period) => ({
    period,
    actual: bySeries.get(period)?.actual ?? null,
    target: bySeries.get(period)?.target ?? null,
    forecast: byForecast.get(period) ?? null,
  }));
}

/** A KPI's monthly actuals against its target, with the forecast where there is one. */
export function TrendChart({
  title,
  unit,
  series,
  forecast,
  height = 280,
  still = false,
}: {
  title: string;
  unit: Unit;
  series: TrendPoint[];
  forecast?: ForecastPoint[];
  height?: number;
  /**
   * Drawn in the server's page as plain SVG (StaticTrendChart, as in the briefing book), without
   * recharts: for a page where the chart is read, not explored. It has no tooltip; the table
   * below it has every figure, as always.
   */
  still?: boolean;
}) {
  const f = useFormat();
  const t = useT();
  const hasForecast = forecast !== undefined && forecast.length > 0;
  const rows = rowsOf(series, forecast ?? []);

  const lastActual = [...series].reverse().find((p) => p.actual !== null);
  const latestTarget = [...series].reverse().find((p) => p.target !== null)?.target ?? null;
  let summary: string;
  if (!lastActual || lastActual.actual === null) {
    summary = t("chart.summaryNoData", { title });
  } else {
    // The target of the month the actual is for; else the latest one set.
    const target = lastActual.target ?? latestTarget;
    const values = {
      title,
      actual: f.value(unit, lastActual.actual),
      period: f.period(lastActual.period),
    };
    summary =
      target === null
        ? t("chart.trend.summaryNoTarget", values)
        : t("chart.trend.summary", { ...values, target: f.value(unit, target) });
  }
  const lastForecast = hasForecast ? forecast[forecast.length - 1] : undefined;
  if (lastForecast) {
    summary = t("chart.trend.forecast", {
      summary,
      value: f.value(unit, lastForecast.value),
      period: f.period(lastForecast.period),
    });
  }

  // The forecast line starts at the last actual so the two read as one path; the table keeps
  // only the forecast's own months.
  const chartRows = rows.map((row) =>
    hasForecast && lastActual && row.period === lastActual.period && row.forecast === null
      ? { ...row, forecast: lastActual.actual }
      : row,
  );

  const drawnAt = (width: number) => (
    <StaticTrendChart
      label={summary}
      emptyText={t("chart.summaryNoData", { title })}
      unit={unit}
      series={series}
      forecast={forecast}
      height={height}
      width={width}
    />
  );

  return (
    <div className="chart">
      {still ? (
        // Drawn twice, for a wide column and a phone's; the stylesheet shows one (.still-chart).
        <div className="still-chart">
          <div className="still-wide">{drawnAt(1000)}</div>
          <div className="still-narrow">{drawnAt(420)}</div>
        </div>
      ) : (
        <ChartBox label={summary} height={height}>
          {(width, fixed) => (
            <TrendDrawing
              rows={chartRows}
              width={width}
              fixed={fixed}
              height={height}
              unit={unit}
              hasForecast={hasForecast}
            />
          )}
        </ChartBox>
      )}
      <ChartDataDetails>
        <table className="data-table chart-table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t("chart.col.month")}</th>
              <th scope="col">{t("chart.series.actual")}</th>
              <th scope="col">{t("chart.series.target")}</th>
              {hasForecast && <th scope="col">{t("chart.series.forecast")}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.period}>
                <th scope="row">{f.period(row.period)}</th>
                <td>{f.value(unit, row.actual)}</td>
                <td>{f.value(unit, row.target)}</td>
                {hasForecast && <td>{f.value(unit, row.forecast)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </ChartDataDetails>
    </div>
  );
}
