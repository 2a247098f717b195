import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/auth/guard.server";
import { useFormat } from "~/components/format";
import { useT } from "~/i18n/use-t";
import { can } from "~/auth/permissions";
import { explainRow } from "~/compliance/explain";
import { EditionNote } from "~/components/edition-note";
import { ExportLinks } from "~/components/export-links";
import { MonthPicker } from "~/components/month-picker";
import { MultiSeriesChart } from "~/components/multi-series-chart";
import { PrintHeader } from "~/components/print-header";
import { ScorecardTable } from "~/components/scorecard-table";
import { Commentary, toCommentaryView } from "~/components/commentary";
import { commentaryOf, keyOf, seesDrafts, shownTo } from "~/models/commentary.server";
import { TrendChart } from "~/components/trend-chart";
import { getKpi, listEntities, type KpiDetail, type Named } from "~/models/kpis.server";
import { latestPublicEdition } from "~/models/published.server";
import { kpiPageFor } from "~/models/scorecards.server";
import { periodFromRequest } from "~/utils/period-param.server";
import { refuse } from "~/utils/http.server";
import { entityCode } from "~/definitions/schema";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const name = data ? (root?.locale === "ar" ? data.kpi.nameAr : data.kpi.nameEn) : undefined;
  return pageTitle(matches, "catalogue.title", name);
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requirePermission(request, "catalogue:read");
  const kpi = getKpi(db(), params.code ?? "");
  if (!kpi) throw new Response("KPI not found", { status: 404 });
  const { period, first, last } = periodFromRequest(request, db());
  // A retired KPI has a definition but no place in the engine's catalogue.
  // Only the entities the reader may read (docs/decisions/0008-what-a-focal-point-sees.md).
  const visible = (entity: string) => can(user, "entity:read", entity);
  const { entity, all } = chartChoice(new URL(request.url).searchParams, kpi, visible);
  const page = kpi.retiredAt ? null : kpiPageFor(db(), kpi.code, period, first, visible, { entity, all });
  const openable = (page?.entities ?? []).map((e) => e.code);
  const edition = latestPublicEdition(db(), period);
  // What the entities wrote about this KPI in the month: approved words, and the reader's own
  // entity's (or, for the office, every entity's) still in review.
  const notes = commentaryOf(db(), period, openable);
  const commentary = openable.flatMap((entity) => {
    const found = notes.get(keyOf({ subject: "kpi", entityCode: entity, kpiCode: kpi.code }));
    const item = toCommentaryView(shownTo(found, seesDrafts(user, entity)), found?.versions ?? 0);
    return item ? [{ entity, item }] : [];
  });
  return { kpi, page, period, edition, first, last, openable, commentary, entity, all, printedAt: new Date().toISOString() };
}

/**
 * `?entity=CODE` (an entity that reports this KPI and that the reader may see) and `?lines=all`.
 * Anything else is a 400 that says so; an entity the reader may not see gets the same answer as
 * one that does not exist (docs/decisions/0008-what-a-focal-point-sees.md).
 */
function chartChoice(params: URLSearchParams, kpi: KpiDetail, visible: (entity: string) => boolean) {
  const entities = params.getAll("entity");
  const lines = params.getAll("lines");
  if (entities.length > 1 || lines.length > 1) refuse(400, "error.kpi.chartOnce");
  if (lines.length === 1 && lines[0] !== "all") refuse(400, "error.kpi.lines");
  const entity = entities[0] ?? null;
  if (entity !== null) {
    const reporter =
      entityCode.safeParse(entity).success &&
      (kpi.reporters === null ? listEntities(db()).some((e) => e.code === entity) : kpi.reporters.some((e) => e.code === entity));
    if (!reporter || !visible(entity)) refuse(400, "error.kpi.entity");
  }
  return { entity, all: lines[0] === "all" };
}

export default function KpiDefinitionPage() {
  const { kpi, page, period, edition, first, last, openable, commentary, entity, all, printedAt } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const names = (items: Named[]) =>
    items.length === 0 ? t("kpi.linksNone") : f.list(items.map((item) => f.name(item)));
  const description = f.name({ nameEn: kpi.descriptionEn ?? "", nameAr: kpi.descriptionAr ?? "" });

  return (
    <article className="kpi-definition">
      <p className="breadcrumb">
        <Link to="/kpis">{t("kpi.back")}</Link>
      </p>
      {/* The code is for files and the API: it is listed with the definition below, not in the heading. */}
      <h1>{f.name(kpi)}</h1>
      {kpi.retiredAt ? (
        <p className="notice" role="status">
          {t("kpi.retired", { date: f.date(kpi.retiredAt) })}
        </p>
      ) : null}
      {description ? <p className="lead">{f.prose(description)}</p> : null}
      <PrintHeader period={period} printedAt={printedAt} filters={f.name(kpi)} />
      {page ? <EditionNote edition={edition} period={period} /> : null}

      {page ? (
        <section aria-labelledby="series">
          <div className="page-head">
            <h2 id="series">{t("kpi.citySeries")}</h2>
            <MonthPicker period={period} first={first} last={last} />
          </div>
          <ExportLinks query={{ view: "kpi", code: kpi.code, period }} printPath={`/kpis/${kpi.code}?period=${period}`} />
          <TrendChart
            title={t("kpi.cityChart", { kpi: f.name(kpi) })}
            unit={kpi.unit}
            series={page.city.map(({ period, actual, target }) => ({ period, actual, target }))}
          />
          <MultiSeriesChart
            title={t("kpi.entitiesChart", { kpi: f.name(kpi) })}
            unit={kpi.unit}
            periods={page.periods}
            lines={[
              { key: "city", label: t("overview.cityWide"), role: "city", values: page.city.map((p) => p.actual) },
              ...page.lines.map((line) => ({
                key: line.key,
                label: (line.role === "best" || line.role === "worst") && !all ? t(`kpi.line.${line.role}`, { entity: f.name(line) }) : f.name(line),
                role: line.role,
                values: line.values,
              })),
            ]}
            target={page.city.map((p) => p.target)}
          />
          <p className="chart-lines print-hide">
            {all ? (
              <Link to={linesHref(kpi.code, period, entity, false)} preventScrollReset>
                {t("kpi.linesFewer")}
              </Link>
            ) : page.hiddenLines > 0 ? (
              <Link to={linesHref(kpi.code, period, entity, true)} preventScrollReset>
                {t("kpi.linesAll", { count: page.hiddenLines + page.lines.length })}
              </Link>
            ) : null}
          </p>
          <h2>{t("kpi.monthTable", { month: f.period(period) })}</h2>
          <ScorecardTable
            selected={entity}
            rowHeading={t("col.entity")}
            caption={t("kpi.monthCaption", { kpi: f.name(kpi), month: f.period(period) })}
            lines={page.rows.map((row) => {
              const entity = row.entity === null ? null : page.entities.find((e) => e.code === row.entity);
              return {
                key: row.entity ?? "city",
                label: entity ? f.name(entity) : t("overview.cityWide"),
                href: entity && openable.includes(entity.code) ? `/entities/${entity.code}?period=${period}` : null,
                unit: kpi.unit,
                row,
                explanation: explainRow(row, { unit: kpi.unit, period, f }),
              };
            })}
          />
          {commentary.length > 0 ? (
            <>
              <h2>{t("kpi.commentary", { month: f.period(period) })}</h2>
              {commentary.map(({ entity, item }) => (
                <div key={entity} className="kpi-commentary">
                  <h3>
                    <Link to={`/follow-up/${entity}/${period}`}>{f.name(page.entities.find((e) => e.code === entity) ?? { nameEn: entity, nameAr: entity })}</Link>
                  </h3>
                  <Commentary item={item} labels={{ analysis: t("followUp.analysisLabel"), recommendation: t("followUp.recommendationLabel") }} />
                </div>
              ))}
            </>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="definition">
        <h2 id="definition">{t("kpi.definition")}</h2>
        <dl className="definition-list">
          <dt>{t("kpi.code")}</dt>
          <dd>
            <code>{kpi.code}</code>
          </dd>
          <dt>{t("kpi.unit")}</dt>
          <dd>{t(`unit.${kpi.unit}`)}</dd>
          <dt>{t("kpi.direction")}</dt>
          <dd>{t(`direction.${kpi.direction}`)}</dd>
          <dt>{t("kpi.measure")}</dt>
          <dd>{t(`measure.${kpi.measure}`)}</dd>
          {kpi.measure === "ratio" ? (
            <>
              <dt>{t("kpi.numerator")}</dt>
              <dd>{f.name({ nameEn: kpi.numeratorEn ?? "", nameAr: kpi.numeratorAr ?? "" })}</dd>
              <dt>{t("kpi.denominator")}</dt>
              <dd>
                {f.name({ nameEn: kpi.denominatorEn ?? "", nameAr: kpi.denominatorAr ?? "" })}
              </dd>
            </>
          ) : null}
          <dt>{t("kpi.aggregation")}</dt>
          <dd>{t(`aggregation.${kpi.aggregation}`)}</dd>
          <dt>{t("kpi.weight")}</dt>
          <dd>{f.number(kpi.weight)}</dd>
          <dt>{t("kpi.atRisk")}</dt>
          <dd>{t("kpi.atRiskValue", { share: f.share(kpi.atRiskBand) })}</dd>
          <dt>{t("kpi.sourceFile")}</dt>
          <dd>
            <code dir="ltr">kpi-definitions/{kpi.sourceFile}</code>
          </dd>
        </dl>
      </section>

      <section aria-labelledby="targets">
        <h2 id="targets">{t("kpi.targets")}</h2>
        {kpi.targets.length === 0 ? (
          <p className="empty-state">{t("kpi.targetsEmpty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">{t("kpi.targetsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("kpi.col.value")}</th>
                  <th scope="col">{t("kpi.col.due")}</th>
                  <th scope="col">{t("kpi.col.appliesTo")}</th>
                  <th scope="col">{t("kpi.col.trajectory")}</th>
                </tr>
              </thead>
              <tbody>
                {kpi.targets.map((target) => (
                  <tr key={`${target.due}-${target.scope}-${target.entities?.join()}`}>
                    <td>{f.value(kpi.unit, target.value)}</td>
                    <td>{f.period(target.due)}</td>
                    <td>
                      {target.scope === "city"
                        ? t("target.appliesCity")
                        : target.entities
                          ? f.list(
                              target.entities.map((code) =>
                                kpi.entityNames[code] ? f.name(kpi.entityNames[code]) : code,
                              ),
                            )
                          : t("target.appliesGeneral")}
                    </td>
                    <td>
                      {target.from
                        ? t("target.trajectory", {
                            value: f.value(kpi.unit, target.from.value),
                            period: f.period(target.from.period),
                          })
                        : t("target.noTrajectory")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="reporters">
        <h2 id="reporters">{t("kpi.reporters")}</h2>
        {kpi.reporters === null ? (
          <p>{t("kpi.reportersAll", { count: kpi.entityCount })}</p>
        ) : (
          <ul className="tag-list">
            {kpi.reporters.map((e) => (
              <li key={e.code}>
                {f.name(e)} <span className="code">{e.code}</span>
                {e.sample ? <span className="badge">{t("entity.sample")}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="links">
        <h2 id="links">{t("kpi.links")}</h2>
        <dl className="definition-list">
          <dt>{t("kpi.pillars")}</dt>
          <dd>{names(kpi.pillars)}</dd>
          <dt>{t("kpi.dimensions")}</dt>
          <dd>{names(kpi.dimensions)}</dd>
          <dt>{t("kpi.initiatives")}</dt>
          <dd>{names(kpi.initiatives)}</dd>
          <dt>{t("kpi.policies")}</dt>
          <dd>{names(kpi.policies)}</dd>
        </dl>
      </section>
    </article>
  );
}

function linesHref(kpi: string, period: string, entity: string | null, all: boolean) {
  const params = new URLSearchParams({ period });
  if (entity) params.set("entity", entity);
  if (all) params.set("lines", "all");
  return `/kpis/${kpi}?${params}`;
}
