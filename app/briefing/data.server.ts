// Everything a month's briefing book shows, from the models the pages use (the overview, each
// entity's scorecard, commentary and plans): one computation, several faces. The book names every
// entity, so it is put together as the office sees the month; of commentary it shows what was
// approved, as executives read it.
import type { Db } from "../../db/index";
import type { PlanState } from "../../db/schema";
import { toCommentaryView, type CommentaryView } from "../components/commentary";
import { periodOf } from "../figures/month";
import type { Locale } from "../i18n/locale";
import { CITY, commentaryOf, keyOf, shownTo } from "../models/commentary.server";
import { listEntities } from "../models/kpis.server";
import { followUpOverview, followUpsFor, planById, type PlanSettings } from "../models/plans.server";
import { latestPublicEdition } from "../models/published.server";
import { entityScorecardFor, overviewFor, periodBounds } from "../models/scorecards.server";

export interface BookSettings extends PlanSettings {
  /** FIGURES_DUE_DAY: when a month's figures are due, for the timeliness columns. */
  dueDay: number;
}

/** An entity KPI's plan as its page lists it: the plan's words and actions, or the plan owed. */
export interface BookPlan {
  kpi: string;
  overdue: boolean;
  dueAt: string;
  plan: {
    id: number;
    state: PlanState;
    summary: string;
    language: "en" | "ar";
    actions: Array<{ title: string; owner: string; dueMonth: string; state: "planned" | "in-progress" | "done" | "dropped" }>;
  } | null;
}

export type BookData = ReturnType<typeof briefingBookData>;
export type BookEntity = BookData["entities"][number];

/** The month's book in one language, as of `now`. */
export function briefingBookData(db: Db, period: string, language: Locale, settings: BookSettings, now: Date) {
  const { first } = periodBounds(db, periodOf(now));
  const round = { dueDay: settings.dueDay, now };
  const overview = overviewFor(db, period, first ?? period, round);
  const codes = overview.league.map((e) => e.code);
  const notes = commentaryOf(db, period, [CITY, ...codes]);
  const approved = (key: string) => {
    const found = notes.get(key);
    return toCommentaryView(shownTo(found, false), found?.versions ?? 0);
  };
  const followUps = followUpsFor(db, period, settings, now);
  const all = listEntities(db);

  const entities = overview.league.map((league) => {
    const scorecard = entityScorecardFor(db, league.code, period, round)!;
    const plans: BookPlan[] = followUps
      .filter((f) => f.entity === league.code)
      .map((f) => {
        const found = f.plan ? planById(db, f.plan.id) : null;
        return {
          kpi: f.kpi,
          overdue: f.overdue,
          dueAt: f.dueAt,
          plan: found
            ? {
                id: found.plan.id,
                state: found.plan.state,
                summary: found.plan.summary,
                language: found.plan.language,
                actions: found.actions.map(({ title, owner, dueMonth, state }) => ({ title, owner, dueMonth, state })),
              }
            : null,
        };
      });
    const kpiNotes = scorecard.rows
      .map(({ kpi }) => ({ kpi: kpi.code, item: approved(keyOf({ subject: "kpi", entityCode: league.code, kpiCode: kpi.code })) }))
      .filter((n): n is { kpi: string; item: CommentaryView } => n.item !== null);
    return {
      code: league.code,
      nameEn: league.nameEn,
      nameAr: league.nameAr,
      sample: league.sample,
      parent: all.find((e) => e.code === scorecard.entity.parentCode) ?? null,
      compliance: scorecard.compliance,
      timeliness: scorecard.timeliness,
      hasFigures: scorecard.hasFigures,
      months: scorecard.months,
      rows: scorecard.rows,
      summary: approved(keyOf({ subject: "entity", entityCode: league.code, kpiCode: "" })),
      kpiNotes,
      plans,
    };
  });

  return {
    period,
    language,
    preparedAt: now.toISOString(),
    edition: latestPublicEdition(db, period),
    hasFigures: overview.hasFigures,
    headline: overview.headline,
    league: overview.league,
    heatmap: { kpis: overview.heatmap.kpis, rows: overview.heatmap.rows },
    kpiNames: overview.kpiNames,
    // The office's own summary is approved as written.
    summary: approved(keyOf({ subject: "city", entityCode: CITY, kpiCode: "" })),
    followUp: followUpOverview(db, period, settings, now, () => true, 500),
    entities,
  };
}
