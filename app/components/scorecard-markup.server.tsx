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

/** Markup made, by scorecard: it lives as long as the engine's result it was made from. */
const made = new WeakMap<EntityScorecard, Map<string, string>>();
/** Languages × plan standings for one scorecard; more is a plan changing many times a minute. */
const PER_SCORECARD = 4;

/**
 * An entity's scorecard table and legend as markup (decision 28). It is a function of the
 * scorecard, the plans' standing and the language only, and the scorecard is the engine's result
 * as `entityScorecardFor` keeps it (per figures version and minute, read-only): so the markup is
 * made once per scorecard, language and standing, and a page asked for again only looks it up.
 */
export function entityScorecardMarkup(scorecard: EntityScorecard, plans: PlanStandings, locale: Locale): string {
  let byInput = made.get(scorecard);
  if (!byInput) made.set(scorecard, (byInput = new Map()));
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
