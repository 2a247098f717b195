import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission, requireUser } from "~/auth/guard.server";
import { useFormat } from "~/components/format";
import { TableScroll } from "~/components/table-scroll";
import { getFigure, historyOf } from "~/models/entry.server";
import { listEntities, listKpis } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "entry.history");

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireUser(request);
  const figure = /^\d+$/.test(params.id ?? "") ? getFigure(db(), Number(params.id)) : undefined;
  // An unknown figure and another entity's figure look the same to a focal point: 403 first.
  if (!figure) {
    requirePermission(request, "city:read");
    throw new Response("Figure not found", { status: 404 });
  }
  requirePermission(request, "entity:read", figure.entityCode);
  const kpi = listKpis(db()).find((k) => k.code === figure.kpiCode);
  const entity = listEntities(db()).find((e) => e.code === figure.entityCode);
  return {
    figure,
    kpi: kpi ? { code: kpi.code, nameEn: kpi.nameEn, nameAr: kpi.nameAr, unit: kpi.unit } : null,
    entity: entity ?? null,
    history: historyOf(db(), figure.id),
  };
}

export default function History() {
  const { figure, kpi, entity, history } = useLoaderData<typeof loader>();
  const f = useFormat();
  const { t } = f;
  const unit = kpi?.unit ?? "number";
  const pair = (value: number | null, n: number | null, d: number | null) =>
    value === null ? t("value.none") : n !== null && d !== null ? `${f.value(unit, value)} (${f.number(n)} ÷ ${f.number(d)})` : f.value(unit, value);
  const status = (s: string | null) => (s ? t(`figure.status.${s as "draft" | "submitted" | "returned" | "approved"}`) : "");
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/figures/${figure.entityCode}/${figure.period}`}>{t("figures.title")}</Link>
      </p>
      <h1>
        {t("history.title", {
          kpi: kpi ? f.name(kpi) : figure.kpiCode,
          entity: entity ? f.name(entity) : figure.entityCode,
          month: f.period(figure.period),
        })}
      </h1>
      <TableScroll labelledBy="history-caption">
        <table className="data-table">
          <caption id="history-caption" className="visually-hidden">{t("history.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.col.at")}</th>
              <th scope="col">{t("admin.col.event")}</th>
              <th scope="col">{t("history.col.old")}</th>
              <th scope="col">{t("history.col.new")}</th>
              <th scope="col">{t("history.col.comment")}</th>
              <th scope="col">{t("history.col.by")}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id}>
                <td>{f.dateTime(h.at)}</td>
                <td>{t(`history.action.${h.action}`)}</td>
                <td>
                  {pair(h.oldValue, h.oldNumerator, h.oldDenominator)} <span className="muted">{status(h.oldStatus)}</span>
                </td>
                <td>
                  {pair(h.newValue, h.newNumerator, h.newDenominator)} <span className="muted">{status(h.newStatus)}</span>
                </td>
                <td>{h.comment ?? t("value.none")}</td>
                <td dir="ltr">{h.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
