// The compliance engine (contract §4): one computation behind every page, export and command.
// Pure: definitions, figures and a period in; rows, roll-ups, trends and forecasts out.
import { addMonths, monthIndex, periodFromIndex } from "../figures/month";
import { coveringTargets, targetInForce, type TargetInForce } from "./targets";
import type {
  Compliance,
  ComplianceReport,
  EngineFigure,
  EngineInput,
  EngineKpi,
  Explanation,
  Forecast,
  ReportRow,
  Status,
  TargetKind,
  Trend,
} from "./types";

/**
 * Tolerance for "reached the target". Actuals come from divisions (100 × 8 ÷ 10) and interim
 * targets from a trajectory; either may land a hair below the exact number, and an executive
 * who sees 80% against 80% marked "at risk" stops trusting the page.
 */
const EPSILON = 1e-9;
/** Achievement is capped here in scores, so one runaway KPI cannot hide the others. */
export const SCORE_CAP = 1.2;
/** Months of figures a forecast is fitted to, and the fewest it needs. */
const FORECAST_WINDOW = 12;
const FORECAST_MINIMUM = 3;

const atLeast = (a: number, b: number) => a >= b - EPSILON * Math.max(1, Math.abs(b));

/** One KPI's figures, by entity and period, for the months the report reads. */
type FigureIndex = Map<string, Map<string, EngineFigure>>;

function indexFigures(
  figures: readonly EngineFigure[],
  kpis: readonly EngineKpi[],
  periods: Set<string> | null,
) {
  const byKpi = new Map<string, FigureIndex>(kpis.map((k) => [k.code, new Map()]));
  for (const figure of figures) {
    if (periods && !periods.has(figure.period)) continue;
    const index = byKpi.get(figure.kpi);
    if (!index) continue;
    let byPeriod = index.get(figure.entity);
    if (!byPeriod) index.set(figure.entity, (byPeriod = new Map()));
    byPeriod.set(figure.period, figure);
  }
  return byKpi;
}

/** The city-wide actual for one period, by the KPI's aggregation (contract §4.6). */
function cityActual(kpi: EngineKpi, index: FigureIndex, period: string) {
  const figures: EngineFigure[] = [];
  for (const entity of kpi.reporters) {
    const figure = index.get(entity)?.get(period);
    if (figure) figures.push(figure);
  }
  if (figures.length === 0)
    return { actual: null, numerator: null, denominator: null, reported: 0 };
  const values = figures.map((f) => figureActual(kpi, f));
  switch (kpi.aggregation) {
    case "ratio-of-sums": {
      // Σ numerators ÷ Σ denominators: never the mean of the entities' percentages, which would
      // weigh a small entity's 60% the same as a large one's 95%.
      const numerator = figures.reduce((sum, f) => sum + (f.numerator ?? 0), 0);
      const denominator = figures.reduce((sum, f) => sum + (f.denominator ?? 0), 0);
      const actual =
        denominator === 0 ? null : ((kpi.unit === "percent" ? 100 : 1) * numerator) / denominator;
      return { actual, numerator, denominator, reported: figures.length };
    }
    case "sum":
      return { actual: sum(values), numerator: null, denominator: null, reported: figures.length };
    case "mean":
      return {
        actual: sum(values) / values.length,
        numerator: null,
        denominator: null,
        reported: figures.length,
      };
    case "min":
      return {
        actual: Math.min(...values),
        numerator: null,
        denominator: null,
        reported: figures.length,
      };
    case "max":
      return {
        actual: Math.max(...values),
        numerator: null,
        denominator: null,
        reported: figures.length,
      };
  }
}

function sum(values: number[]) {
  return values.reduce((a, b) => a + b, 0);
}

/** Achievement and status for an actual against the target in force (contract §4.4–5). */
export function assess(
  kpi: Pick<EngineKpi, "direction" | "atRiskBand">,
  actual: number | null,
  target: TargetInForce | null,
): { achievement: number | null; status: Status; divisionByZero: boolean } {
  if (actual === null) return { achievement: null, status: "no-data", divisionByZero: false };
  if (target === null) return { achievement: null, status: "no-target", divisionByZero: false };
  const divisor = kpi.direction === "increase" ? target.value : actual;
  if (divisor === 0) return { achievement: null, status: "met", divisionByZero: true };
  const achievement = kpi.direction === "increase" ? actual / target.value : target.value / actual;
  let status: Status;
  if (atLeast(achievement, 1)) status = target.kind === "interim" ? "on-track" : "met";
  else if (atLeast(achievement, kpi.atRiskBand)) status = "at-risk";
  else status = "off-track";
  return { achievement, status, divisionByZero: false };
}

/** Least-squares line through (month, actual) points, or null when it cannot be fitted. */
function fitLine(
  points: Array<{ x: number; y: number }>,
): { slope: number; intercept: number } | null {
  const n = points.length;
  const meanX = sum(points.map((p) => p.x)) / n;
  const meanY = sum(points.map((p) => p.y)) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

function forecastFor(
  kpi: EngineKpi,
  period: string,
  inForce: TargetInForce | null,
  history: Array<{ period: string; actual: number | null }>,
): Forecast | null {
  if (!inForce || (inForce.kind !== "interim" && inForce.kind !== "pending")) return null;
  const points = history
    .filter((h): h is { period: string; actual: number } => h.actual !== null)
    .map((h) => ({ x: monthIndex(h.period), y: h.actual }));
  if (points.length < FORECAST_MINIMUM) return null;
  const line = fitLine(points);
  if (!line) return null;
  const goal = inForce.target.value;
  const due = inForce.target.due;
  const at = (x: number) => line.slope * x + line.intercept;
  const meets = (value: number) =>
    kpi.direction === "increase" ? atLeast(value, goal) : atLeast(-value, -goal);
  const projected = at(monthIndex(due));

  // The first month from the period on in which the line meets the goal.
  const start = monthIndex(period);
  let reaches: number | null = null;
  if (meets(at(start))) reaches = start;
  else if (line.slope !== 0) {
    const crossing = (goal - line.intercept) / line.slope;
    const month = Math.max(start, Math.ceil(crossing - EPSILON));
    if (month >= start && meets(at(month))) reaches = month;
  }
  return {
    months: points.length,
    slope: line.slope,
    due,
    projected,
    target: goal,
    meetsTarget: meets(projected),
    reachesTargetIn: reaches === null ? null : periodFromIndex(reaches),
  };
}

function coverageOf(entity: string | null, inForce: TargetInForce): "entity" | "general" | "city" {
  if (inForce.target.scope === "city") return "city";
  if (entity !== null && inForce.target.entities?.includes(entity)) return "entity";
  return "general";
}

function explanationTarget(
  entity: string | null,
  inForce: TargetInForce | null,
): Explanation["target"] {
  if (!inForce) return null;
  return {
    kind: inForce.kind,
    value: inForce.value,
    coverage: coverageOf(entity, inForce),
    goal: inForce.target.value,
    due: inForce.target.due,
    from: inForce.kind === "interim" ? inForce.target.from : null,
  };
}

/** The months a report for `period` reads: the twelve up to it, and the same month a year before. */
export function periodsRead(period: string): string[] {
  const months = new Set<string>();
  for (let i = 0; i < FORECAST_WINDOW; i++) months.add(addMonths(period, -i));
  months.add(addMonths(period, -12));
  return [...months].sort();
}

interface RowSeries {
  actualAt: (period: string) => number | null;
  figureAt: (period: string) => {
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    reported?: number;
  };
}

const NO_TREND: Trend = { previous: null, change: null, yearAgo: null, changeOnYear: null };

function buildRow(
  kpi: EngineKpi,
  entity: string | null,
  period: string,
  series: RowSeries,
  withTrends = true,
): ReportRow {
  const covering = coveringTargets(kpi.targets, entity);
  const inForce = targetInForce(covering, period);
  const actual = series.actualAt(period);
  const { achievement, status, divisionByZero } = assess(kpi, actual, inForce);

  const previous = withTrends ? series.actualAt(addMonths(period, -1)) : null;
  const yearAgo = withTrends ? series.actualAt(addMonths(period, -12)) : null;
  const trend: Trend = withTrends
    ? {
        previous,
        change: actual !== null && previous !== null ? actual - previous : null,
        yearAgo,
        changeOnYear: actual !== null && yearAgo !== null ? actual - yearAgo : null,
      }
    : NO_TREND;
  const history = Array.from({ length: withTrends ? FORECAST_WINDOW : 0 }, (_, i) => {
    const p = addMonths(period, i - FORECAST_WINDOW + 1);
    return { period: p, actual: series.actualAt(p) };
  });
  const figure = series.figureAt(period);

  return {
    kpi: kpi.code,
    entity,
    actual,
    target: inForce?.value ?? null,
    targetKind: (inForce?.kind ?? null) as TargetKind | null,
    achievement,
    status,
    assessed: inForce !== null,
    trend,
    forecast: withTrends ? forecastFor(kpi, period, inForce, history) : null,
    explanation: {
      figures: {
        value: figure.value,
        numerator: figure.numerator,
        denominator: figure.denominator,
        ...(entity === null
          ? { reported: figure.reported ?? 0, reporters: kpi.reporters.length }
          : {}),
      },
      target: explanationTarget(entity, inForce),
      atRiskBand: kpi.atRiskBand,
      direction: kpi.direction,
      divisionByZero,
    },
  };
}

/**
 * An entity's actual: for a ratio KPI recomputed from numerator and denominator (contract §1),
 * so a value stored rounded elsewhere can never disagree with the city's ratio of sums.
 */
export function figureActual(
  kpi: Pick<EngineKpi, "measure" | "unit">,
  figure: EngineFigure,
): number {
  if (
    kpi.measure === "ratio" &&
    figure.numerator !== null &&
    figure.denominator !== null &&
    figure.denominator !== 0
  ) {
    return ((kpi.unit === "percent" ? 100 : 1) * figure.numerator) / figure.denominator;
  }
  return figure.value;
}

function entitySeries(kpi: EngineKpi, index: FigureIndex, entity: string): RowSeries {
  const byPeriod = index.get(entity);
  return {
    actualAt: (p) => {
      const f = byPeriod?.get(p);
      return f ? figureActual(kpi, f) : null;
    },
    figureAt: (p) => {
      const f = byPeriod?.get(p);
      return {
        value: f ? figureActual(kpi, f) : null,
        numerator: f?.numerator ?? null,
        denominator: f?.denominator ?? null,
      };
    },
  };
}

function citySeries(kpi: EngineKpi, index: FigureIndex): RowSeries {
  const cache = new Map<string, ReturnType<typeof cityActual>>();
  const at = (p: string) => {
    let found = cache.get(p);
    if (!found) cache.set(p, (found = cityActual(kpi, index, p)));
    return found;
  };
  return {
    actualAt: (p) => at(p).actual,
    figureAt: (p) => {
      const c = at(p);
      return {
        value: c.actual,
        numerator: c.numerator,
        denominator: c.denominator,
        reported: c.reported,
      };
    },
  };
}

/** What a row adds to a score: its achievement capped, a divide-by-zero `met` as the cap, no data as 0. */
export function scoreContribution(row: Pick<ReportRow, "status" | "achievement">): number {
  if (row.status === "no-data") return 0;
  if (row.achievement === null) return row.status === "met" ? SCORE_CAP : 0;
  return Math.min(row.achievement, SCORE_CAP);
}

/** Compliance and score over a set of assessed entity rows (contract §4.7). */
export function rollUp(
  code: string,
  rows: ReportRow[],
  weightOf: (kpi: string) => number,
): Compliance {
  const assessed = rows.filter((r) => r.assessed);
  const compliant = assessed.filter((r) => r.status === "met" || r.status === "on-track").length;
  const totalWeight = sum(assessed.map((r) => weightOf(r.kpi)));
  return {
    code,
    compliance: assessed.length === 0 ? null : compliant / assessed.length,
    compliant,
    assessed: assessed.length,
    score:
      assessed.length === 0 || totalWeight === 0
        ? null
        : sum(assessed.map((r) => weightOf(r.kpi) * scoreContribution(r))) / totalWeight,
  };
}

/**
 * The compliance report for one period: every row, and every entity's and strategy item's
 * roll-up. With `trends: false` only the period's own figures are read and every row's trend
 * and forecast are left empty: the statuses and roll-ups are the same, for pages that show no
 * trend for most rows (the city overview's heatmap and league table).
 */
export function computeReport(
  input: EngineInput,
  options: { trends?: boolean } = {},
): ComplianceReport {
  const { period } = input;
  const withTrends = options.trends ?? true;
  const kpis = [...input.kpis].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const entityOrder = new Map(input.entities.map((code, i) => [code, i]));
  const index = indexFigures(
    input.figures,
    kpis,
    new Set(withTrends ? periodsRead(period) : [period]),
  );

  const rows: ReportRow[] = [];
  for (const kpi of kpis) {
    const kpiIndex = index.get(kpi.code)!;
    const reporters = kpi.reporters
      .filter((e) => entityOrder.has(e))
      .sort((a, b) => entityOrder.get(a)! - entityOrder.get(b)!);
    for (const entity of reporters)
      rows.push(buildRow(kpi, entity, period, entitySeries(kpi, kpiIndex, entity), withTrends));
    rows.push(
      buildRow(
        { ...kpi, reporters },
        null,
        period,
        citySeries({ ...kpi, reporters }, kpiIndex),
        withTrends,
      ),
    );
  }

  const weights = new Map(kpis.map((k) => [k.code, k.weight]));
  const weightOf = (code: string) => weights.get(code) ?? 1;
  // Rows grouped once by entity and by KPI: roll-ups over 100 entities and 5,000 rows must not
  // filter the whole list for every entity and every strategy item.
  const byEntity = new Map<string, ReportRow[]>();
  const byKpi = new Map<string, ReportRow[]>();
  for (const row of rows) {
    if (row.entity === null) continue;
    if (!byEntity.has(row.entity)) byEntity.set(row.entity, []);
    byEntity.get(row.entity)!.push(row);
    if (!byKpi.has(row.kpi)) byKpi.set(row.kpi, []);
    byKpi.get(row.kpi)!.push(row);
  }

  const linked = (kind: keyof EngineKpi["links"]) => {
    const codes = new Map<string, Set<string>>();
    for (const kpi of kpis) {
      for (const code of kpi.links[kind]) {
        if (!codes.has(code)) codes.set(code, new Set());
        codes.get(code)!.add(kpi.code);
      }
    }
    return [...codes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([code, kpiCodes]) =>
        rollUp(
          code,
          [...kpiCodes].flatMap((k) => byKpi.get(k) ?? []),
          weightOf,
        ),
      );
  };

  return {
    period,
    rows,
    entities: input.entities.map((code) => rollUp(code, byEntity.get(code) ?? [], weightOf)),
    initiatives: linked("initiatives"),
    policies: linked("policies"),
    pillars: linked("pillars"),
    dimensions: linked("dimensions"),
  };
}

export interface SeriesPoint {
  period: string;
  actual: number | null;
  target: number | null;
  targetKind: TargetKind | null;
  status: Status;
}

/** One row's actual, target and status month by month: the series behind a chart. */
export function computeSeries(args: {
  kpi: EngineKpi;
  entity: string | null;
  figures: readonly EngineFigure[];
  from: string;
  to: string;
}): SeriesPoint[] {
  return computeSeriesOf({ ...args, entities: [args.entity] })[0];
}

/**
 * computeSeries for several entities (null: the city) of one KPI, in the order given. The
 * figures are indexed once: a KPI page of 100 entities indexed them 100 times.
 */
export function computeSeriesOf(args: {
  kpi: EngineKpi;
  entities: ReadonlyArray<string | null>;
  figures: readonly EngineFigure[];
  from: string;
  to: string;
}): SeriesPoint[][] {
  const { kpi } = args;
  const index = indexFigures(args.figures, [kpi], null).get(kpi.code)!;
  return args.entities.map((entity) => {
    const series = entity === null ? citySeries(kpi, index) : entitySeries(kpi, index, entity);
    const covering = coveringTargets(kpi.targets, entity);
    const out: SeriesPoint[] = [];
    for (let i = monthIndex(args.from); i <= monthIndex(args.to); i++) {
      const period = periodFromIndex(i);
      const inForce = targetInForce(covering, period);
      const actual = series.actualAt(period);
      out.push({
        period,
        actual,
        target: inForce?.value ?? null,
        targetKind: inForce?.kind ?? null,
        status: assess(kpi, actual, inForce).status,
      });
    }
    return out;
  });
}
