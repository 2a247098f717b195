import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/auth/guard.server";
import { SCORE_CAP } from "~/compliance/engine";
import { EditionNote } from "~/components/edition-note";
import { useFormat } from "~/components/format";
import { ExportLinks } from "~/components/export-links";
import { MonthPicker } from "~/components/month-picker";
import { PrintHeader } from "~/components/print-header";
import { ScorecardTableMarkup } from "~/components/scorecard-table";
import { entityScorecardMarkup } from "~/components/scorecard-markup.server";
import { listEntities } from "~/models/kpis.server";
import { Commentary, toCommentaryView } from "~/components/commentary";
import { commentaryOf, keyOf, seesDrafts, shownTo } from "~/models/commentary.server";
import { followUpsFor } from "~/models/plans.server";
import { latestPublicEdition } from "~/models/published.server";
import { entityScorecardFor } from "~/models/scorecards.server";
import { db } from "~/utils/db.server";
import { env, planSettings } from "~/utils/env.server";
import { pageTitle } from "~/utils/meta";
import { periodFromRequest } from "~/utils/period-param.server";
import { resolveLocale } from "~/i18n/locale.server";
import { shipMarkup } from "~/utils/server-markup.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const name = data ? (root?.locale === "ar" ? data.scorecard.entity.nameAr : data.scorecard.entity.nameEn) : undefined;
  // The month in the title: it is the printed PDF's title too.
  return pageTitle(matches, "entity.score", name && data ? `${name} · ${data.scorecard.period}` : name);
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const code = params.code ?? "";
  // Asked first: a focal point learns nothing, not even whether another entity exists.
  const user = requirePermission(request, "entity:read", code);
  const { period, first, last } = periodFromRequest(request, db());
  const scorecard = entityScorecardFor(db(), code, period, { dueDay: env().FIGURES_DUE_DAY, now: new Date() });
  if (!scorecard) throw new Response("Entity not found", { status: 404 });
  const parent = listEntities(db()).find((e) => e.code === scorecard.entity.parentCode) ?? null;
  const edition = latestPublicEdition(db(), period);
  const now = new Date();
  // The month's follow-up beside the numbers: the entity's summary, each KPI's plan or the plan owed.
  const notes = commentaryOf(db(), period, [code]).get(keyOf({ subject: "entity", entityCode: code, kpiCode: "" }));
  const summary = toCommentaryView(shownTo(notes, seesDrafts(user, code)), notes?.versions ?? 0);
  const plans = Object.fromEntries(
    followUpsFor(db(), period, planSettings(env()), now, code).map((f) => [
      f.kpi,
      { planId: f.plan?.id ?? null, state: f.plan?.state ?? null, overdue: f.overdue, dueAt: f.dueAt },
    ]),
  );
  // The table is markup made once per scorecard and language (decision 28); the page's data
  // carries what the rest of the page shows.
  const table = shipMarkup(context, entityScorecardMarkup(scorecard, plans, resolveLocale(request)));
  const { rows: _rows, figureIds: _figureIds, months: _months, ...head } = scorecard;
  return { scorecard: head, table, parent, edition, first, last, summary, printedAt: now.toISOString() };
}

export default function EntityScorecard() {
  const { scorecard, table, parent, edition, first, last, summary, printedAt } = useLoaderData<typeof loader>();
  const f = useFormat();
  const { t } = f;
  const entity = f.name(scorecard.entity);
  const month = f.period(scorecard.period);
  const c = scorecard.compliance;

  return (
    <>
      <PrintHeader period={scorecard.period} printedAt={printedAt} filters={entity} />
      <div className="page-head">
        <div>
          <h1>{t("entity.title", { entity })}</h1>
          <p className="lead">
            {t("entity.intro", { entity, month })}
            {parent ? (
              <>
                {" "}
                {t("entity.parent", { parent: f.name(parent) })}
              </>
            ) : null}
          </p>
          <EditionNote edition={edition} period={scorecard.period} />
          {scorecard.entity.sample ? <p className="notice">{t("entity.sampleNote")}</p> : null}
        </div>
        <MonthPicker period={scorecard.period} first={first} last={last} />
      </div>
      <ExportLinks
        query={{ view: "entity", code: scorecard.entity.code, period: scorecard.period }}
        printPath={`/entities/${scorecard.entity.code}?period=${scorecard.period}`}
      />

      <section className="score-cards" aria-label={t("entity.score")}>
        <div className="card">
          <h2>{t("entity.score")}</h2>
          <p className="big-number">{c.score !== null ? f.share(c.score) : t("value.none")}</p>
          <p className="muted">{t("entity.scoreHelp", { cap: f.share(SCORE_CAP) })}</p>
        </div>
        <div className="card">
          <h2>{t("figures.col.timeliness")}</h2>
          <p className={`big-number timeliness timeliness-${scorecard.timeliness}`}>{t(`timeliness.${scorecard.timeliness}`)}</p>
          <p className="muted">
            <Link to={`/figures/${scorecard.entity.code}/${scorecard.period}`}>{t("figures.title")}</Link>
          </p>
        </div>
        <div className="card">
          <h2>{t("entity.compliance")}</h2>
          <p className="big-number">{c.compliance !== null ? f.share(c.compliance) : t("value.none")}</p>
          <p className="muted">
            {c.assessed > 0 ? t("entity.complianceHelp", { compliant: c.compliant, assessed: c.assessed }) : t("entity.noTargets")}
          </p>
        </div>
      </section>

      {!scorecard.hasFigures ? <p className="empty-state">{t("entity.empty", { entity, month })}</p> : null}
      {scorecard.awaitingReview > 0 ? (
        // A locked month's figures can no longer be approved (until it is reopened).
        <p className="notice">{t(edition ? "entity.unreviewedLocked" : "entity.awaitingReview", { count: scorecard.awaitingReview, month })}</p>
      ) : null}

      <section className="entity-summary" aria-labelledby="entity-summary-title">
        <h2 id="entity-summary-title">{t("followUp.summaryTitle")}</h2>
        {summary ? <Commentary item={summary} /> : <p className="muted">{t("followUp.noSummary")}</p>}
        <p className="print-hide">
          <Link to={`/follow-up/${scorecard.entity.code}/${scorecard.period}`}>{t("entity.followUpLink")}</Link>
        </p>
      </section>

      <ScorecardTableMarkup markup={table} />
      <p className="print-hide">
        <Link to={`/?period=${scorecard.period}`}>{t("nav.overview")}</Link>
      </p>
    </>
  );
}
