import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useFormat } from "~/components/format";
import { requirePermission } from "~/auth/guard.server";
import { headlineTarget } from "~/compliance/targets";
import { useT } from "~/i18n/use-t";
import { listKpis, listPillars } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { periodOf } from "~/figures/month";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalogue.title");

export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "catalogue:read");
  const pillar = new URL(request.url).searchParams.get("pillar") || null;
  const period = periodOf(new Date());
  const all = listKpis(db());
  const kpis = all
    .filter((kpi) => pillar === null || kpi.pillars.some((p) => p.code === pillar))
    .map((kpi) => ({
      code: kpi.code,
      nameEn: kpi.nameEn,
      nameAr: kpi.nameAr,
      unit: kpi.unit,
      direction: kpi.direction,
      pillars: kpi.pillars,
      initiatives: kpi.initiatives,
      policies: kpi.policies,
      target: headlineTarget(kpi.targets, period),
    }));
  return { kpis, total: all.length, pillars: listPillars(db()), pillar };
}

export default function Catalogue() {
  const { kpis, total, pillars, pillar } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const list = (items: Array<{ code: string; nameEn: string; nameAr: string }>) =>
    items.length === 0 ? (
      t("value.none")
    ) : (
      <ul className="plain-list">
        {items.map((item) => (
          <li key={item.code}>{f.name(item)}</li>
        ))}
      </ul>
    );

  return (
    <>
      <h1>{t("catalogue.title")}</h1>
      <p className="lead">{t("catalogue.intro")}</p>
      {total === 0 ? (
        <p className="empty-state">{t("catalogue.empty")}</p>
      ) : (
        <>
          <Form method="get" className="filters">
            <label htmlFor="pillar">{t("catalogue.filter.pillar")}</label>
            <select id="pillar" name="pillar" defaultValue={pillar ?? ""}>
              <option value="">{t("catalogue.filter.all")}</option>
              {pillars.map((p) => (
                <option key={p.code} value={p.code}>
                  {f.name(p)}
                </option>
              ))}
            </select>
            <button type="submit">{t("catalogue.filter.apply")}</button>
            <span className="count">{t("catalogue.count", { count: kpis.length })}</span>
          </Form>
          {kpis.length === 0 ? (
            <p className="empty-state">{t("catalogue.emptyFilter")}</p>
          ) : (
            <div className="table-scroll">
              <table className="data-table">
                <caption className="visually-hidden">{t("catalogue.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("catalogue.col.kpi")}</th>
                    <th scope="col">{t("catalogue.col.unit")}</th>
                    <th scope="col">{t("catalogue.col.direction")}</th>
                    <th scope="col">{t("catalogue.col.target")}</th>
                    <th scope="col">{t("catalogue.col.pillar")}</th>
                    <th scope="col">{t("catalogue.col.initiatives")}</th>
                    <th scope="col">{t("catalogue.col.policies")}</th>
                  </tr>
                </thead>
                <tbody>
                  {kpis.map((kpi) => (
                    <tr key={kpi.code}>
                      <th scope="row">
                        <Link to={`/kpis/${kpi.code}`}>{f.name(kpi)}</Link>
                        <span className="code">{kpi.code}</span>
                      </th>
                      <td>{t(`unit.${kpi.unit}`)}</td>
                      <td>{t(`direction.${kpi.direction}`)}</td>
                      <td>
                        {kpi.target
                          ? t("target.byDue", {
                              value: f.value(kpi.unit, kpi.target.value),
                              due: f.period(kpi.target.due),
                            })
                          : t("target.none")}
                      </td>
                      <td>{list(kpi.pillars)}</td>
                      <td>{list(kpi.initiatives)}</td>
                      <td>{list(kpi.policies)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
