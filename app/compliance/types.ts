// The compliance engine's inputs and outputs (compliance contract §3–4). The engine is pure:
// it is handed definitions, figures and a period, and never reads a database or a clock.
import type { Aggregation, Direction, Measure, Unit } from "../definitions/schema";
import type { Target, TargetKind } from "./targets";

export type { Target, TargetKind };

export const STATUSES = [
  "met",
  "on-track",
  "at-risk",
  "off-track",
  "no-data",
  "no-target",
] as const;
export type Status = (typeof STATUSES)[number];

export interface EngineKpi {
  code: string;
  unit: Unit;
  direction: Direction;
  measure: Measure;
  aggregation: Aggregation;
  /** Weight in entity scores; 1 unless the definition says otherwise. */
  weight: number;
  /** Share of the target below which a row is off track (bands.at-risk). */
  atRiskBand: number;
  /** The entities that report it, already resolved from `reporters: all`. */
  reporters: string[];
  targets: Target[];
  links: { policies: string[]; initiatives: string[]; pillars: string[]; dimensions: string[] };
}

export interface EngineFigure {
  entity: string;
  kpi: string;
  period: string;
  /** The KPI's value; for ratio KPIs already derived from numerator and denominator. */
  value: number;
  numerator: number | null;
  denominator: number | null;
}

export interface EngineInput {
  /** The period reported on, YYYY-MM. */
  period: string;
  /** Entity codes in force, in the order reports list them. */
  entities: string[];
  kpis: EngineKpi[];
  /**
   * Figures that count (approved ones). Only the period, the eleven months before it and the
   * same month a year before are read; anything else is ignored.
   */
  figures: EngineFigure[];
}

export interface Trend {
  /** Actual in the month before. */
  previous: number | null;
  /** actual − previous, in the KPI's unit (percentage points for percent KPIs). */
  change: number | null;
  /** Actual in the same month a year before. */
  yearAgo: number | null;
  changeOnYear: number | null;
}

export interface Forecast {
  /** Months of figures the line was fitted to (3–12). */
  months: number;
  /** Fitted change per month, in the KPI's unit. */
  slope: number;
  /** The month the target is due, and the line's value then. */
  due: string;
  projected: number;
  /** The target value due then. */
  target: number;
  /** Whether the line meets the target by its due month. */
  meetsTarget: boolean;
  /** First month, from the period on, in which the line meets the target; null if it never does. */
  reachesTargetIn: string | null;
}

export interface Explanation {
  /** What the actual was made of: an entity's figure, or the city aggregate over reporters. */
  figures: {
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    /** City rows: entities with a figure this period, of how many report. */
    reported?: number;
    reporters?: number;
  };
  /** The target in force and where it came from; null when there is none. */
  target: {
    kind: TargetKind;
    value: number;
    /** Whose target it is: one naming the entity, a general one, or a city-only one. */
    coverage: "entity" | "general" | "city";
    /** The target being worked towards and its due month (for interim: the trajectory's end). */
    goal: number;
    due: string;
    /** Interim only: where the trajectory starts. */
    from: { period: string; value: number } | null;
  } | null;
  atRiskBand: number;
  direction: Direction;
  /** Why achievement is missing although a target is in force: division by zero. */
  divisionByZero: boolean;
}

export interface ReportRow {
  kpi: string;
  /** null for the city-wide row. */
  entity: string | null;
  actual: number | null;
  target: number | null;
  targetKind: TargetKind | null;
  achievement: number | null;
  status: Status;
  /** Counts in compliance (a target is in force). */
  assessed: boolean;
  trend: Trend;
  forecast: Forecast | null;
  explanation: Explanation;
}

export interface Compliance {
  code: string;
  /** compliant ÷ assessed; null when nothing is assessed. */
  compliance: number | null;
  compliant: number;
  assessed: number;
  /** Weight-averaged achievement, each capped at 1.2, a missing figure as 0. */
  score: number | null;
}

export interface ComplianceReport {
  period: string;
  rows: ReportRow[];
  entities: Compliance[];
  initiatives: Compliance[];
  policies: Compliance[];
  pillars: Compliance[];
  dimensions: Compliance[];
}
