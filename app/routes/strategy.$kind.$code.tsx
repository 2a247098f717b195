import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { useFollowLinks } from "~/components/follow-links";
import { useFormat } from "~/components/format";
import { ExportLinks } from "~/components/export-links";
import { MonthPicker } from "~/components/month-picker";
import { PrintHeader } from "~/components/print-header";
import { RowStatus, StatusLegend } from "~/components/status";
import { STRATEGY_KINDS, type StrategyKind } from "~/compliance/strategy-kinds";
import { strategyPageFor } from "~/models/scorecards.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { periodFromRequest } from "~/utils/period-param.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const name = data ? (root?.locale === "ar" ? data.page.item.nameAr : data.page.item.nameEn) : undefined;
  return pageTitle(matches, "overview.strategy", name);
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requirePermission(request, "city:read");
  const kind = params.kind as StrategyKind;
  if (!(STRATEGY_KINDS as readonly string[]).includes(kind)) throw new Response("Not found", { status: 404 });
  const { period, first, last } = periodFromRequest(request, db());
  // Only the entities the reader may read (docs/decisions/0008-what-a-focal-point-sees.md).
  const visible = (entity: string) => can(user, "entity:read", entity);
  const page = strategyPageFor(db(), kind, params.code ?? "", period, visible);
  if (!page) throw new Response("Not found", { status: 404 });
  const openable = page.entities.map((e) => e.code);
  return { page, first, last, openable, printedAt: new Date().toISOString() };
}

export default function StrategyPage() {
  const { page, first, last, openable, printedAt } = useLoaderData<typeof loader>();
  const f = useFormat();
  // Its tables' links, one a row and up to hundreds, are followed by one listener (decision 27).
  const follow = useFollowLinks();
  const { t } = f;
  const month = f.period(page.period);
  const kindWord = t(`strategy.${page.kind}`);
  const kpiUnit = (code: string) => page.kpis.find((k) => k.code === code)?.unit ?? "number";
  const kpiName = (code: string) => {
    const kpi = page.kpis.find((k) => k.code === code);
    return kpi ? f.name(kpi) : code;
  };
  const c = page.compliance;

  return (
    <>
      <PrintHeader period={page.period} printedAt={printedAt} filters={f.name(page.item)} />
      <div className="page-head">
        <div>
          <p className="breadcrumb">{kindWord}</p>
          <h1>{f.name(page.item)}</h1>
          <p className="lead">{t("strategy.intro", { kind: kindWord, month })}</p>
        </div>
        <MonthPicker period={page.period} first={first} last={last} />
      </div>
      <ExportLinks
        query={{ view: "strategy", kind: page.kind, code: page.item.code, period: page.period }}
        printPath={`/strategy/${page.kind}/${page.item.code}?period=${page.period}`}
      />

      <section className="score-cards" aria-label={t("col.compliance")}>
        <div className="card">
          <h2>{t("col.compliance")}</h2>
          <p className="big-number">{c && c.compliance !== null ? f.share(c.compliance) : t("compliance.none")}</p>
          {c ? <p className="muted">{t("compliance.ratio", { compliant: c.compliant, assessed: c.assessed })}</p> : null}
        </div>
        <div className="card">
          <h2>{t("col.score")}</h2>
          <p className="big-number">{c && c.score !== null ? f.share(c.score) : t("value.none")}</p>
        </div>
      </section>

      <section aria-labelledby="kpis-title">
        <h2 id="kpis-title">{t("strategy.kpis")}</h2>
        {page.kpis.length === 0 ? (
          <p className="empty-state">{t("strategy.none")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table" onClick={follow}>
              <caption className="visually-hidden">{t("strategy.kpisCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("col.kpi")}</th>
                  <th scope="col">{t("overview.cityWide")}</th>
                  <th scope="col">{t("col.target")}</th>
                  <th scope="col">{t("col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {page.kpis.map((kpi) => (
                  <tr key={kpi.code}>
                    <th scope="row">
                      <a href={`/kpis/${kpi.code}?period=${page.period}`}>{f.name(kpi)}</a>
                    </th>
                    <td className="number">{f.value(kpi.unit, kpi.city?.actual ?? null)}</td>
                    <td className="number">{kpi.city?.target != null ? f.value(kpi.unit, kpi.city.target) : t("target.none")}</td>
                    <td>{kpi.city ? <RowStatus row={kpi.city} /> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="entities-title">
        <h2 id="entities-title">{t("strategy.entities")}</h2>
        <div className="table-scroll">
          <table className="data-table" onClick={follow}>
            <caption className="visually-hidden">{t("strategy.entitiesCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("col.entity")}</th>
                <th scope="col">{t("col.compliance")}</th>
                <th scope="col">{t("col.score")}</th>
                <th scope="col">{t("col.holdingBack")}</th>
              </tr>
            </thead>
            <tbody>
              {page.entities.map((e) => (
                <tr key={e.code}>
                  <th scope="row">
                    {openable.includes(e.code) ? (
                      <a href={`/entities/${e.code}?period=${page.period}`}>{f.name(e)}</a>
                    ) : (
                      f.name(e)
                    )}
                  </th>
                  <td className="number">
                    {e.compliance.compliance !== null ? f.share(e.compliance.compliance) : t("compliance.none")}{" "}
                    <span className="muted">
                      ({t("compliance.ratio", { compliant: e.compliance.compliant, assessed: e.compliance.assessed })})
                    </span>
                  </td>
                  <td className="number">{e.compliance.score !== null ? f.share(e.compliance.score) : t("value.none")}</td>
                  <td>
                    {e.holdingBack.length === 0 ? (
                      <span className="muted">{t("strategy.allClear")}</span>
                    ) : (
                      <ul className="plain-list">
                        {e.holdingBack.map((r) => (
                          <li key={r.kpi}>
                            <RowStatus row={r} compact /> {kpiName(r.kpi)}: {f.value(kpiUnit(r.kpi), r.actual)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <StatusLegend scores />
      </section>
    </>
  );
}
