// What the trend charts share: their points and colours. The recharts drawing (chart-drawing.tsx)
// and the plain SVG one (static-trend-chart.tsx) both read them.

export interface TrendPoint {
  period: string;
  actual: number | null;
  target: number | null;
}

export interface ForecastPoint {
  period: string;
  value: number;
}

/** Okabe–Ito colours: told apart with every common colour blindness. */
export const CHART_COLOURS = {
  actual: "#0072B2",
  target: "#D55E00",
  forecast: "#009E73",
  grid: "#d5dbe3",
} as const;
