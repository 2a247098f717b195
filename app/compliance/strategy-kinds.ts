/** The four kinds of strategy item a KPI links to, as they appear in addresses. */
export const STRATEGY_KINDS = ["pillars", "dimensions", "initiatives", "policies"] as const;
export type StrategyKind = (typeof STRATEGY_KINDS)[number];
