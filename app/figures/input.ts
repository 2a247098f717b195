/** One monthly figure as it arrives from a file, a form or the demo generator (contract §2). */
export interface FigureInput {
  entity: string;
  kpi: string;
  /** Calendar month, YYYY-MM. */
  period: string;
  /** For value KPIs (count, number, currency, days, yes-no as 1/0). */
  value?: number | null;
  /** For ratio KPIs. */
  numerator?: number | null;
  denominator?: number | null;
  comment?: string | null;
}
