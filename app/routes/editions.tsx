import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import type { Status } from "~/compliance/types";
import { useFormat } from "~/components/format";
import { MonthPicker } from "~/components/month-picker";
import { StatusBadge } from "~/components/status";
import { reportChanges, type RowChange } from "~/models/editions.server";
import { namesEverDefined } from "~/models/kpis.server";
import { editionReport, editionsOf } from "~/models/published.server";
import { findUserByEmail } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { periodFromRequest } from "~/utils/period-param.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "edition.title");

/** How far a row's value moved; null when it has no value on one side. */
const moved = (c: RowChange) =>
  c.before?.actual != null && c.after?.actual != null ? c.after.actual - c.before.actual : null;

/** Changes of status first (a reader's first question), then the largest moves of value. */
function byImportance(a: RowChange, b: RowChange) {
  const statusChanged = (c: RowChange) => (c.before?.status !== c.after?.status ? 0 : 1);
  const size = (c: RowChange) => {
    const by = moved(c);
    return by === null ? -1 : Math.abs(by);
  };
  return statusChanged(a) - statusChanged(b) || size(b) - size(a) || a.kpi.localeCompare(b.kpi) || (a.entity ?? "").localeCompare(b.entity ?? "");
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, "city:read");
  const { period, first, last } = periodFromRequest(request, db());
  // A focal point reads the city's rows and their own entity's, no other entity's
  // (docs/decisions/0008-what-a-focal-point-sees.md).
  const visible = (c: RowChange) => c.entity === null || can(user, "entity:read", c.entity);
  const names = namesEverDefined(db());
  // The publisher by name (an e-mail address is not for every reader); "cli" or an account since
  // removed stays unnamed.
  const publishers = new Map<string, string | null>();
  const publisher = (email: string) => {
    if (!publishers.has(email)) publishers.set(email, findUserByEmail(db(), email)?.name ?? null);
    return publishers.get(email) ?? null;
  };
  const editions = editionsOf(db(), period).map((edition) => {
    const changes =
      edition.number === 1
        ? null
        : reportChanges(editionReport(db(), period, edition.number - 1)!.report, editionReport(db(), period, edition.number)!.report)
            .filter(visible)
            .sort(byImportance)
            .map((c) => {
              const kpi = names.kpis.get(c.kpi);
              const entity = c.entity === null ? null : names.entities.get(c.entity);
              return {
                kpi: kpi ? { nameEn: kpi.nameEn, nameAr: kpi.nameAr } : { nameEn: c.kpi, nameAr: c.kpi },
                entity: c.entity === null ? null : entity ? { nameEn: entity.nameEn, nameAr: entity.nameAr } : { nameEn: c.entity, nameAr: c.entity },
                unit: kpi?.unit ?? "number",
                before: c.before as { actual: number | null; status: Status } | null,
                after: c.after as { actual: number | null; status: Status } | null,
                change: moved(c),
                kpiCode: c.kpi,
                entityCode: c.entity,
              };
            });
    return {
      number: edition.number,
      publishedAt: edition.publishedAt,
      publishedBy: publisher(edition.publishedBy),
      reason: edition.reason,
      changes,
    };
  });
  return { period, first, last, editions, ownOnly: user.role === "focal-point" };
}

export default function Editions() {
  const { period, first, last, editions, ownOnly } = useLoaderData<typeof loader>();
  const f = useFormat();
  const { t } = f;
  const month = f.period(period);
  const latest = editions.at(-1)?.number;

  return (
    <>
      <p className="breadcrumb">
        <Link to={`/?period=${period}`}>{t("edition.back", { month })}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>
            {t("edition.title")}: {month}
          </h1>
          <p className="lead">{t("edition.intro", { month })}</p>
        </div>
        <MonthPicker period={period} first={first} last={last} />
      </div>

      {editions.length === 0 ? <p className="empty-state">{t("edition.notPublished", { month })}</p> : null}

      {[...editions].reverse().map((edition) => (
        <section key={edition.number} className="edition card" aria-labelledby={`edition-${edition.number}`}>
          <h2 id={`edition-${edition.number}`}>
            {t("edition.heading", { number: edition.number })}{" "}
            <span className={`edition-tag ${edition.number === latest ? "edition-current" : "edition-replaced"}`}>
              {edition.number === latest ? t("edition.latest") : t("edition.replaced", { number: edition.number + 1 })}
            </span>
          </h2>
          <dl className="edition-facts">
            <dt>{t("edition.publishedAt")}</dt>
            <dd>{f.dateTime(edition.publishedAt)}</dd>
            {edition.publishedBy ? (
              <>
                <dt>{t("edition.publishedBy")}</dt>
                <dd>{edition.publishedBy}</dd>
              </>
            ) : null}
            {edition.reason !== null ? (
              <>
                <dt>{t("edition.reason")}</dt>
                <dd className="edition-reason">{edition.reason}</dd>
              </>
            ) : null}
          </dl>
          {edition.changes === null ? (
            <p className="muted">{t("edition.first")}</p>
          ) : (
            <>
              <h3>{t("edition.changes", { previous: edition.number - 1 })}</h3>
              {edition.changes.length === 0 ? (
                <p className="empty-state">{t(ownOnly ? "edition.noChangesOwn" : "edition.noChanges", { previous: edition.number - 1 })}</p>
              ) : (
                <>
                  <p className="muted">{t("edition.changesCount", { count: edition.changes.length })}</p>
                  <div className="table-scroll">
                    <table className="data-table edition-changes">
                      <caption className="visually-hidden">
                        {t("edition.changesCaption", { previous: edition.number - 1, number: edition.number })}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("col.kpi")}</th>
                          <th scope="col">{t("col.entity")}</th>
                          <th scope="col">{t("edition.heading", { number: edition.number - 1 })}</th>
                          <th scope="col">{t("edition.heading", { number: edition.number })}</th>
                          <th scope="col">{t("edition.col.change")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {edition.changes.map((c) => (
                          <tr key={`${c.kpiCode}|${c.entityCode ?? ""}`}>
                            <td>{f.name(c.kpi)}</td>
                            <th scope="row">{c.entity ? f.name(c.entity) : t("edition.city")}</th>
                            {[c.before, c.after].map((side, i) => (
                              <td key={i} className="edition-side">
                                {side ? (
                                  <>
                                    <span className="number">{f.value(c.unit, side.actual)}</span> <StatusBadge status={side.status} />
                                  </>
                                ) : (
                                  <span className="muted">{t("edition.absent")}</span>
                                )}
                              </td>
                            ))}
                            <td className="number">
                              {c.change === null
                                ? t("value.none")
                                : c.unit === "percent"
                                  ? t("change.points", { value: f.signed(c.change) })
                                  : f.signed(c.change)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </>
              )}
            </>
          )}
        </section>
      ))}
    </>
  );
}
