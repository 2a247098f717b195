import { explainRow } from "../compliance/explain";
import { formatterFor, intlFor } from "../i18n/format";
import type { Locale } from "../i18n/locale";
import type { entityScorecardFor } from "../models/scorecards.server";
import { markupOf } from "../utils/server-markup.server";
import { PlanStanding, type PlanStateName } from "./plan-state";
import { ScorecardGrid } from "./scorecard-table";
import { StatusLegend } from "./status";

type EntityScorecard = NonNullable<ReturnType<typeof entityScorecardFor>>;

/** Where each off-track KPI's plan stands (followUpsFor), by KPI. */
export type PlanStandings = Record<string, { planId: number | null; state: PlanStateName | null; overdue: boolean; dueAt: string }>;

/**
 * Markup made, by the scorecard's rows: `entityScorecardFor` keeps them, one array with the
 * month, months, names and figure ids they came with, until the figures or definitions change
 * (read-only). The markup lives as long as they do.
 */
const made = new WeakMap<EntityScorecard["rows"], Map<string, string>>();
/** Both languages, with the plans' standing; another standing takes the oldest one's place. */
const PER_SCORECARD = 2;

/**
 * An entity's scorecard table and legend as markup (decision 28). It is a function of the
 * scorecard's rows (and what came with them), the plans' standing and the language only: made
 * once for each, and a page asked for again only looks it up.
 */
export function entityScorecardMarkup(scorecard: EntityScorecard, plans: PlanStandings, locale: Locale): string {
  let byInput = made.get(scorecard.rows);
  if (!byInput) made.set(scorecard.rows, (byInput = new Map()));
  const key = `${locale}:${JSON.stringify(plans)}`;
  let html = byInput.get(key);
  if (html === undefined) {
    html = markupOf(locale, <EntityScorecardTable scorecard={scorecard} plans={plans} locale={locale} />);
    byInput.set(key, html);
    if (byInput.size > PER_SCORECARD) byInput.delete(byInput.keys().next().value as string);
  }
  return html;
}

function EntityScorecardTable({ scorecard, plans, locale }: { scorecard: EntityScorecard; plans: PlanStandings; locale: Locale }) {
  const f = formatterFor(intlFor(locale));
  return (
    <>
      <ScorecardGrid
        caption={f.t("entity.caption", { entity: f.name(scorecard.entity) })}
        months={scorecard.months}
        lines={scorecard.rows.map(({ row, kpi, sparkline }) => ({
          key: kpi.code,
          label: f.name(kpi),
          href: `/kpis/${kpi.code}?period=${scorecard.period}`,
          unit: kpi.unit,
          row,
          sparkline,
          explanation: explainRow(row, { unit: kpi.unit, period: scorecard.period, f }),
          historyHref: scorecard.figureIds[kpi.code] ? `/history/${scorecard.figureIds[kpi.code]}` : null,
          followUp: plans[kpi.code] ? <PlanStanding {...plans[kpi.code]} plainLink /> : null,
        }))}
      />
      <StatusLegend />
    </>
  );
}
