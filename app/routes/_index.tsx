import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Suspense } from "react";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { explainRow } from "~/compliance/explain";
import { ComplianceTable } from "~/components/compliance-table";
import { EditionNote } from "~/components/edition-note";
import { useFormat } from "~/components/format";
import { ExportLinks } from "~/components/export-links";
import { Heatmap } from "~/components/heatmap";
import { LeagueTable } from "~/components/league-table";
import { MonthPicker } from "~/components/month-picker";
import { PrintHeader } from "~/components/print-header";
import { RowStatus, StatusBadge, StatusLegend } from "~/components/status";
import { HeadlineReach } from "~/components/headline-reach";
import { TrendChart } from "~/components/trend-chart";
import { STRATEGY_KINDS } from "~/compliance/strategy-kinds";
import { ExecutiveSummary, FollowUpSummary } from "~/components/follow-up-summary";
import { toCommentaryView } from "~/components/commentary";
import { CITY, commentaryOf, keyOf } from "~/models/commentary.server";
import { followUpOverview } from "~/models/plans.server";
import { latestPublicEdition } from "~/models/published.server";
import { overviewFor } from "~/models/scorecards.server";
import { db } from "~/utils/db.server";
import { env, planSettings } from "~/utils/env.server";
import { pageTitle } from "~/utils/meta";
import { periodFromRequest } from "~/utils/period-param.server";
import { refuse } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "overview.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, "city:read");
  const { period, first, last } = periodFromRequest(request, db());
  // A focal point reads the city-wide figures and their own entity's, no other entity's
  // (docs/decisions/0008-what-a-focal-point-sees.md).
  const visible = (entity: string) => can(user, "entity:read", entity);
  const overview = overviewFor(db(), period, first, { dueDay: env().FIGURES_DUE_DAY, now: new Date() }, visible);
  const openable = overview.league.map((e) => e.code);
  // The page draws the heatmap from its rows; the keyed cells are for the exports.
  const { kpis, rows } = overview.heatmap;
  const edition = latestPublicEdition(db(), period);
  const now = new Date();
  const summary = commentaryOf(db(), period, [CITY]).get(keyOf({ subject: "city", entityCode: CITY, kpiCode: "" }));
  const followUp = followUpOverview(db(), period, planSettings(env()), now, visible);
  const allChanges = changesChoice(new URL(request.url).searchParams);
  return {
    ...overview,
    // The largest moves first; the rest when asked for (at a hundred entities they run to thousands).
    changes: allChanges ? overview.changes : overview.changes.slice(0, CHANGES_SHOWN),
    changesCount: overview.changes.length,
    allChanges,
    heatmap: { kpis, rows },
    edition,
    first,
    last,
    openable,
    summary: toCommentaryView(summary?.current ?? null, summary?.versions ?? 0),
    canWriteSummary: can(user, "summary:write"),
    followUp,
    printedAt: now.toISOString(),
  };
}

const CHANGES_SHOWN = 10;

/** `?changes=all` lists every change; anything else there is a 400 that says so. */
function changesChoice(params: URLSearchParams): boolean {
  const values = params.getAll("changes");
  if (values.length === 0) return false;
  if (values.length > 1 || values[0] !== "all") refuse(400, "error.overview.changes");
  return true;
}

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const f = useFormat();
  const { t } = f;
  const month = f.period(data.period);
  const headline = data.headline;
  const row = headline?.row ?? null;
  const openable = new Set(data.openable);
  const entityHref = (code: string) => (openable.has(code) ? `/entities/${code}?period=${data.period}` : null);
  const kpiName = (code: string) => (data.kpiNames[code] ? f.name(data.kpiNames[code]) : code);
  const entityName = (code: string | null) => {
    if (code === null) return t("overview.cityWide");
    const entity = data.league.find((e) => e.code === code);
    return entity ? f.name(entity) : code;
  };
  const points = (v: number | null, unit: string) =>
    v === null ? t("value.none") : unit === "percent" ? t("change.points", { value: f.signed(v) }) : f.signed(v);

  return (
    <>
      <PrintHeader period={data.period} printedAt={data.printedAt} />
      <div className="page-head">
        <div>
          <h1>{t("overview.title")}</h1>
          <p className="lead">{t("overview.intro", { month })}</p>
          <EditionNote edition={data.edition} period={data.period} />
        </div>
        <MonthPicker period={data.period} first={data.first} last={data.last} />
      </div>
      <ExportLinks query={{ view: "overview", period: data.period }} printPath={`/?period=${data.period}`} />

      {!data.hasFigures ? <p className="empty-state">{t("overview.empty", { month })}</p> : null}

      {headline && row ? (
        <section className="headline card" aria-labelledby="headline-title">
          <h2 id="headline-title">
            {t("overview.headline")}:{" "}
            <Link to={`/kpis/${headline.kpi.code}?period=${data.period}`}>{f.name(headline.kpi)}</Link>
          </h2>
          {headline.reach ? (
            <HeadlineReach reach={headline.reach} unit={headline.kpi.unit} period={data.period} entityHref={entityHref} />
          ) : null}
          <div className="headline-figures">
            <div className="headline-main">
              <span className="headline-label">{t("overview.actual")}</span>
              <span className="headline-value">{f.value(headline.kpi.unit, row.actual)}</span>
              <RowStatus row={row} />
            </div>
            <dl className="headline-facts">
              <dt>{t("overview.target")}</dt>
              <dd>
                {row.explanation.target
                  ? t("overview.targetValue", {
                      value: f.value(headline.kpi.unit, row.target),
                      kind: t(`target.kind.${row.explanation.target.kind}`),
                      due: f.period(row.explanation.target.due),
                    })
                  : t("overview.noTarget")}
              </dd>
              <dt>{t("overview.changeMonth")}</dt>
              <dd>{points(row.trend.change, headline.kpi.unit)}</dd>
              <dt>{t("overview.changeYear")}</dt>
              <dd>{points(row.trend.changeOnYear, headline.kpi.unit)}</dd>
              <dt>{t("overview.forecast")}</dt>
              <dd>
                {row.forecast ? (
                  <>
                    {t(row.forecast.meetsTarget ? "overview.forecastMeets" : "overview.forecastMisses", {
                      value: f.value(headline.kpi.unit, row.forecast.projected),
                      due: f.period(row.forecast.due),
                    })}{" "}
                    {row.forecast.reachesTargetIn
                      ? t("overview.forecastReaches", { month: f.period(row.forecast.reachesTargetIn) })
                      : t("overview.forecastNever")}{" "}
                    <span className="muted">{t("overview.forecastBasis", { months: row.forecast.months })}</span>
                  </>
                ) : (
                  t("overview.forecastNone")
                )}
              </dd>
            </dl>
          </div>
          <p className="explanation">{explainRow(row, { unit: headline.kpi.unit, period: data.period, f })}</p>
          <TrendChart
            title={t("overview.trendTitle", { kpi: f.name(headline.kpi) })}
            unit={headline.kpi.unit}
            series={headline.series}
            forecast={headline.forecast}
            // On the first screen of every visit: drawn in the page, without recharts' 95 KB
            // (decision 26). The KPI's own page has the chart to explore.
            still
          />
        </section>
      ) : null}

      <ExecutiveSummary summary={data.summary} period={data.period} canWrite={data.canWriteSummary} />

      <FollowUpSummary
        data={data.followUp}
        period={data.period}
        entityName={(code) => entityName(code)}
        kpiName={kpiName}
      />

      <section aria-labelledby="league-title">
        <h2 id="league-title">{t("overview.league")}</h2>
        <p className="muted">{t("overview.leagueIntro")}</p>
        <LeagueTable entities={data.league} entityHref={entityHref} locked={data.edition !== null} />
        <StatusLegend scores />
      </section>

      <section aria-labelledby="heatmap-title">
        <h2 id="heatmap-title">{t("overview.heatmap")}</h2>
        {/* A Suspense boundary around each large, static part of the page lets React hydrate it
            after the rest, in slices that leave the main thread free (selective hydration),
            instead of in one long task. Nothing inside suspends. */}
        <Suspense>
          <Heatmap
            caption={t("overview.heatmapCaption", { month })}
            entities={data.league}
            kpis={data.heatmap.kpis}
            rows={data.heatmap.rows}
            entityHref={entityHref}
            cellHref={(entity, kpi) => (openable.has(entity) ? `/kpis/${kpi}?period=${data.period}&entity=${entity}` : null)}
          />
          <StatusLegend />
        </Suspense>
      </section>

      <section aria-labelledby="strategy-title">
        <h2 id="strategy-title">{t("overview.strategy")}</h2>
        <Suspense>
          <div className="strategy-grid">
            {STRATEGY_KINDS.map((kind) => (
              <ComplianceTable
                key={kind}
                caption={t(`col.${kind}`)}
                items={data.strategy[kind]}
                href={(code) => `/strategy/${kind}/${code}?period=${data.period}`}
              />
            ))}
          </div>
        </Suspense>
      </section>

      <section aria-labelledby="changes-title" id="changes">
        <h2 id="changes-title">{t("overview.changes")}</h2>
        {data.changes.length === 0 ? (
          <p className="empty-state">{t("overview.changesEmpty")}</p>
        ) : (
          <Suspense>
            <p className="muted">
              {data.allChanges
                ? t("overview.changesAll", { count: f.number(data.changesCount) })
                : t("overview.changesTop", { shown: f.number(data.changes.length), count: f.number(data.changesCount) })}
            </p>
            <div className="table-scroll">
              <table className="data-table changes-table">
                <caption className="visually-hidden">{t("overview.changesCaption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("col.entity")}</th>
                    <th scope="col">{t("col.kpi")}</th>
                    <th scope="col">{t("col.change")}</th>
                    <th scope="col">{t("overview.changesFigure")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.changes.map((c) => {
                    const unit = data.kpiNames[c.kpi]?.unit ?? "number";
                    const href = c.entity === null ? null : entityHref(c.entity);
                    const move = c.before !== null && c.actual !== null ? c.actual - c.before : null;
                    return (
                      <tr key={`${c.kpi}|${c.entity}`}>
                        <th scope="row">{href ? <Link to={href}>{entityName(c.entity)}</Link> : entityName(c.entity)}</th>
                        <td>
                          <Link
                            to={
                              c.entity !== null && href
                                ? `/kpis/${c.kpi}?period=${data.period}&entity=${c.entity}`
                                : `/kpis/${c.kpi}?period=${data.period}`
                            }
                          >
                            {kpiName(c.kpi)}
                          </Link>
                        </td>
                        <td className="status-change">
                          <StatusBadge status={c.from} /> <span aria-hidden="true">{f.locale === "ar" ? "←" : "→"}</span>{" "}
                          <StatusBadge status={c.to} missed={c.missed} />
                        </td>
                        <td className="number">
                          {f.value(unit, c.before)} <span aria-hidden="true">{f.locale === "ar" ? "←" : "→"}</span>{" "}
                          <strong>{f.value(unit, c.actual)}</strong>
                          {move !== null ? <span className="muted"> ({points(move, unit)})</span> : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {data.changesCount > CHANGES_SHOWN ? (
              <p className="print-hide">
                <Link
                  to={data.allChanges ? `/?period=${data.period}#changes` : `/?period=${data.period}&changes=all#changes`}
                  preventScrollReset
                >
                  {data.allChanges ? t("overview.changesFewer", { count: f.number(CHANGES_SHOWN) }) : t("overview.changesShowAll", { count: f.number(data.changesCount) })}
                </Link>
              </p>
            ) : null}
            <StatusLegend />
          </Suspense>
        )}
      </section>
    </>
  );
}
